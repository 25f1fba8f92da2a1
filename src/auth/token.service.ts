import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { KeysService } from '../keys/keys.service';
import type { IssuableSession } from '../sessions/sessions.service';
import { Role } from '../users/user.entity';

/** How the user signed in (RFC 8176 names): a password, and a one-time code from an authenticator app. */
export type Amr = 'pwd' | 'otp';
export const AMR_VALUES: readonly Amr[] = ['pwd', 'otp'];

/**
 * The claims of our access tokens. `tv` is the account's token version at issue time, `sid` the
 * session the token belongs to, `amr` how that session signed in. `iss` and (when JWT_AUDIENCE is set)
 * `aud` are added by the key that signs; the header carries `kid`.
 */
export interface TokenClaims {
  iss: string;
  aud?: string;
  sub: string;
  userId: string;
  role: Role;
  jti: string;
  sid: string;
  tv: number;
  /** Authentication methods of the login that issued the token: `["pwd"]` or `["pwd","otp"]`. */
  amr: Amr[];
  iat: number;
  exp: number;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly keys: KeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * An access token of the session: it lives ACCESS_TOKEN_TTL when that is set, else as long as the
   * session (24 h, or 30 days with `remember`: MediSync's lifetimes), and never past the session.
   */
  async issue(session: IssuableSession, iat = Math.floor(Date.now() / 1000)): Promise<{ token: string; expiresAt: Date }> {
    const sessionEnd = Math.floor(session.expiresAt.getTime() / 1000);
    const ttl = this.config.accessTokenTtlMs;
    const exp = ttl === undefined ? sessionEnd : Math.min(sessionEnd, iat + Math.floor(ttl / 1000));
    const claims: Omit<TokenClaims, 'iss' | 'aud'> = {
      sub: session.userId,
      userId: session.userId,
      role: session.role,
      jti: randomUUID(),
      sid: session.id,
      amr: session.amr,
      tv: session.tokenVersion,
      iat,
      exp,
    };
    return { token: await this.keys.sign(claims), expiresAt: new Date(exp * 1000) };
  }
}
