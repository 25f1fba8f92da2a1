import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AppException } from '../common/errors';
import { KeysService, VerifiedClaims } from '../keys/keys.service';
import { AccessStateService } from './access-state.service';
import { acceptedCookieToken } from './cookie-auth';
import { BEARER } from './guards';
import type { Principal } from './principal';
import { TokenClaims } from './token.service';

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
 * live state: revocation is checked on every request, whatever the signature says.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(BearerTokenStrategy, 'jwt') {
  constructor(
    keys: KeysService,
    private readonly access: AccessStateService,
  ) {
    super(keys);
  }

  async validate(claims: Partial<TokenClaims>): Promise<Principal> {
    const { sub, jti, tv, exp } = claims;
    if (
      typeof sub !== 'string' ||
      !UUID.test(sub) ||
      typeof jti !== 'string' ||
      !UUID.test(jti) ||
      typeof tv !== 'number' ||
      typeof exp !== 'number'
    ) {
      throw new AppException('TOKEN_INVALID');
    }
    const state = await this.access.load(sub, jti);
    if (!state) throw new AppException('TOKEN_INVALID');
    if (state.disabled || state.jtiRevoked || tv < state.tokenVersion) throw new AppException('TOKEN_REVOKED');
    return {
      id: state.id,
      role: state.role,
      emailVerified: state.emailVerified,
      tokenId: jti,
      tokenExpiresAt: exp,
      subscription: state.subscription,
    };
  }
}
