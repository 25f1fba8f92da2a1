import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AppException } from '../common/errors';
import { KeysService, VerifiedClaims } from '../keys/keys.service';
import { SessionsService } from '../sessions/sessions.service';
import { AccessStateService } from './access-state.service';
import { acceptedCookieToken } from './cookie-auth';
import { BEARER } from './guards';
import type { Principal } from './principal';
import { Amr, AMR_VALUES, TokenClaims } from './token.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Done = (error: unknown, user?: Principal | false) => void;

/**
 * The passport side of bearer tokens. passport-jwt verifies with jsonwebtoken, which has no EdDSA, so
 * this strategy hands the token to KeysService (jose) instead. passport calls authenticate() on a
 * per-request copy of the strategy that it gives success() and error().
 */
class BearerTokenStrategy {
  readonly name = 'jwt';
  declare success: (user: Principal) => void;
  declare error: (error: unknown) => void;

  constructor(
    private readonly keys: KeysService,
    private readonly verified: (claims: VerifiedClaims, done: Done) => void,
  ) {}

  /** The token from `Authorization: Bearer` (JwtAuthGuard has checked the header's form), else the session cookie the guard accepted. */
  authenticate(req: { headers: Record<string, string | string[] | undefined> }): void {
    const header = req.headers.authorization;
    const token = typeof header === 'string' && header !== '' ? BEARER.exec(header)?.[1] : acceptedCookieToken(req);
    if (!token) return this.error(new AppException('AUTH_HEADER_INVALID'));
    this.keys.verify(token).then(
      (claims) =>
        this.verified(claims, (error, user) => {
          if (error) this.error(error);
          else if (!user) this.error(new AppException('TOKEN_INVALID'));
          else this.success(user);
        }),
      (error: unknown) => this.error(error),
    );
  }
}

/**
 * Signature, key, algorithm, `iss`, `aud` and expiry (KeysService), then one query for the account's
 * live state and the token's session: revocation is checked on every request, whatever the signature
 * says. A token lives only while its session does (not ended, not expired, not idle, not outlived by
 * a password change, disable or role change).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(BearerTokenStrategy, 'jwt') {
  constructor(
    keys: KeysService,
    private readonly access: AccessStateService,
    private readonly sessions: SessionsService,
  ) {
    super(keys);
  }

  async validate(claims: Partial<TokenClaims>): Promise<Principal> {
    const { sub, jti, tv, exp, sid } = claims;
    if (
      typeof sub !== 'string' ||
      !UUID.test(sub) ||
      typeof jti !== 'string' ||
      !UUID.test(jti) ||
      typeof tv !== 'number' ||
      typeof exp !== 'number' ||
      (sid !== undefined && (typeof sid !== 'string' || !UUID.test(sid)))
    ) {
      throw new AppException('TOKEN_INVALID');
    }
    const amr = amrOf(claims.amr);
    // issued before sessions existed: its logout could not be recorded any more, so it is over
    if (sid === undefined) throw new AppException('TOKEN_REVOKED');
    const state = await this.access.load(sub, sid);
    if (!state) throw new AppException('TOKEN_INVALID');
    const session = state.session;
    if (state.disabled || tv < state.tokenVersion || !session || session.tokenVersion < state.tokenVersion) {
      throw new AppException('TOKEN_REVOKED');
    }
    if (session.endReason) throw new AppException(session.endReason === 'idle' ? 'TOKEN_EXPIRED' : 'TOKEN_REVOKED');
    if (session.expiresAt.getTime() <= Date.now()) throw new AppException('TOKEN_EXPIRED');
    if (!(await this.sessions.stillActive(sid, sub, session.lastUsedAt))) throw new AppException('TOKEN_EXPIRED');
    return {
      id: state.id,
      role: state.role,
      emailVerified: state.emailVerified,
      tokenId: jti,
      tokenExpiresAt: exp,
      sessionId: sid,
      amr,
      subscription: state.subscription,
      account: state.account,
    };
  }
}

/**
 * A token's `amr`, read strictly: absent (issued before MFA existed) is `["pwd"]`; otherwise a
 * non-empty array of known methods, without repeats, that includes `pwd`; anything else is TOKEN_INVALID.
 */
export function amrOf(value: unknown): Amr[] {
  if (value === undefined) return ['pwd'];
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > AMR_VALUES.length ||
    !value.every((m) => typeof m === 'string' && (AMR_VALUES as readonly string[]).includes(m)) ||
    new Set(value).size !== value.length ||
    !value.includes('pwd')
  ) {
    throw new AppException('TOKEN_INVALID');
  }
  return value as Amr[];
}
