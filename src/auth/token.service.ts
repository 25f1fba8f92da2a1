import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Role } from '../users/user.entity';

export const TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const REMEMBER_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** The claims of our access tokens. `tv` is the account's token version at issue time. */
export interface TokenClaims {
  sub: string;
  userId: string;
  role: Role;
  jti: string;
  tv: number;
  iat: number;
  exp: number;
}

@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(user: { id: string; role: Role; tokenVersion: number }, remember = false): { token: string; expiresAt: Date; jti: string } {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + (remember ? REMEMBER_TOKEN_TTL_SECONDS : TOKEN_TTL_SECONDS);
    const jti = randomUUID();
    const claims: TokenClaims = { sub: user.id, userId: user.id, role: user.role, jti, tv: user.tokenVersion, iat, exp };
    return { token: this.jwt.sign(claims), expiresAt: new Date(exp * 1000), jti };
  }
}
