import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { KeysService } from '../keys/keys.service';
import { Role } from '../users/user.entity';

export const TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const REMEMBER_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** How the user signed in (RFC 8176 names): a password, and a one-time code from an authenticator app. */
export type Amr = 'pwd' | 'otp';
export const AMR_VALUES: readonly Amr[] = ['pwd', 'otp'];

/**
 * The claims of our access tokens. `tv` is the account's token version at issue time. `iss` and (when
 * JWT_AUDIENCE is set) `aud` are added by the key that signs; the header carries `kid`.
 */
export interface TokenClaims {
  iss: string;
  aud?: string;
  sub: string;
  userId: string;
  role: Role;
  jti: string;
  tv: number;
  /** Authentication methods of the login that issued the token: `["pwd"]` or `["pwd","otp"]`. */
  amr: Amr[];
  iat: number;
  exp: number;
}

@Injectable()
export class TokenService {
  constructor(private readonly keys: KeysService) {}

  async issue(
    user: { id: string; role: Role; tokenVersion: number },
    remember = false,
    amr: Amr[] = ['pwd'],
  ): Promise<{ token: string; expiresAt: Date; jti: string }> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + (remember ? REMEMBER_TOKEN_TTL_SECONDS : TOKEN_TTL_SECONDS);
    const jti = randomUUID();
    const claims: Omit<TokenClaims, 'iss' | 'aud'> = {
      sub: user.id,
      userId: user.id,
      role: user.role,
      jti,
      tv: user.tokenVersion,
      amr,
      iat,
      exp,
    };
    return { token: await this.keys.sign(claims), expiresAt: new Date(exp * 1000), jti };
  }
}
