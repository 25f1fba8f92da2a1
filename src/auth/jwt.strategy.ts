import { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppException } from '../common/errors';
import { AccessStateService } from './access-state.service';
import type { Principal } from './principal';
import { JWT_KEY } from './jwt-key';
import { TokenClaims } from './token.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * passport-jwt: the token only from `Authorization: Bearer`, HS256 only (so `none`, HS512 and
 * RS256 tokens are refused), then one query for the account's live state.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(JWT_KEY) key: KeyObject,
    private readonly access: AccessStateService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // jsonwebtoken accepts a KeyObject; made once at boot, it spares a key derivation per request
      secretOrKey: key as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
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
