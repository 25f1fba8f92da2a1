import { createSecretKey, KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { decodeProtectedHeader, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { JwtAlgorithm } from '../config/jwt-keys';
import { developmentSigningKey, PublicJwk, VerificationKey, verificationKey } from './signing-keys';
import { VerifiedTokenCache } from './verified-token-cache';

/** The claims of a token that passed verification: `exp` is always there. */
export type VerifiedClaims = JWTPayload & { exp: number };

/** How long a resource server may cache the key set and the metadata document. */
export const WELL_KNOWN_MAX_AGE_SECONDS = 300;
export const JWKS_PATH = '/.well-known/jwks.json';
export const CONFIGURATION_PATH = '/.well-known/medisync-configuration';

/** What a resource server discovers at CONFIGURATION_PATH: only what is true of this service. */
export interface ServiceConfiguration {
  issuer: string;
  jwks_uri: string;
  audience: string | null;
  token_signing_alg_values_supported: JwtAlgorithm[];
  claims_supported: string[];
  token_validation_endpoint: string;
  service_documentation: string;
}

const CLAIMS = ['iss', 'aud', 'sub', 'userId', 'role', 'jti', 'tv', 'iat', 'exp'];

/**
 * The signing key, the keys that verify, and the key set they publish. Built once at boot: every
 * KeyObject is made here, never per request. A token verifies only with the key its `kid` names, and
 * only with that key's one algorithm (so `none`, HS256 made with a public key, or any other algorithm is
 * refused); then `iss`, `aud` when configured, and `exp`.
 */
export class KeysService {
  private readonly cache = new VerifiedTokenCache<VerifiedClaims>();

  private constructor(
    private readonly signing: { kid: string; algorithm: JwtAlgorithm; key: KeyObject },
    private readonly byKid: ReadonlyMap<string, VerificationKey>,
    /** HS256 only: tokens issued before kid and iss were added (they verify with the same secret). */
    private readonly legacy: VerificationKey | undefined,
    private readonly issuer: string,
    private readonly audience: string | undefined,
    private readonly appUrl: string,
  ) {}

  static async create(config: AppConfig, logger = new Logger('Keys')): Promise<KeysService> {
    const { algorithm, issuer, audience } = config.jwt;
    let signingKey: KeyObject;
    if (algorithm === 'HS256') {
      signingKey = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    } else if (config.jwt.privateKey) {
      signingKey = config.jwt.privateKey;
    } else {
      const dev = developmentSigningKey(config.dataDir, algorithm);
      signingKey = dev.key;
      logger.warn(
        `JWT_PRIVATE_KEY is not set: ${dev.created ? 'made a development signing key in' : 'using the development signing key in'} ${dev.file} (refused when NODE_ENV=production)`,
      );
    }
    const active = await verificationKey(signingKey, algorithm);
    const byKid = new Map<string, VerificationKey>([[active.kid, active]]);
    for (const previous of config.jwt.previousKeys) {
      const key = await verificationKey(previous.key, previous.algorithm);
      if (!byKid.has(key.kid)) byKid.set(key.kid, key);
    }
    return new KeysService(
      { kid: active.kid, algorithm, key: signingKey },
      byKid,
      algorithm === 'HS256' ? active : undefined,
      issuer,
      audience,
      config.appUrl,
    );
  }

  get algorithm(): JwtAlgorithm {
    return this.signing.algorithm;
  }

  /** The active key's RFC 7638 thumbprint, sent as `kid` in every token header. */
  get kid(): string {
    return this.signing.kid;
  }

  /** The public keys that verify tokens, the active one first; empty with HS256 (a secret is never published). */
  jwks(): { keys: PublicJwk[] } {
    return { keys: [...this.byKid.values()].flatMap((k) => (k.jwk ? [k.jwk] : [])) };
  }

  configuration(): ServiceConfiguration {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.appUrl}${JWKS_PATH}`,
      audience: this.audience ?? null,
      token_signing_alg_values_supported: [...new Set([...this.byKid.values()].map((k) => k.algorithm))],
      claims_supported: this.audience ? CLAIMS : CLAIMS.filter((c) => c !== 'aud'),
      token_validation_endpoint: `${this.appUrl}/api/users/me`,
      service_documentation: `${this.appUrl}/docs`,
    };
  }

  /** Signs the claims with the active key, adding `iss` and (when configured) `aud`; the header names the key. */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT({ ...claims, iss: this.issuer, ...(this.audience !== undefined && { aud: this.audience }) })
      .setProtectedHeader({ alg: this.signing.algorithm, kid: this.signing.kid, typ: 'JWT' })
      .sign(this.signing.key);
  }

  /** The token's claims, or 401 TOKEN_INVALID / TOKEN_EXPIRED. Revocation is the caller's next step. */
  async verify(token: string): Promise<VerifiedClaims> {
    const now = Math.floor(Date.now() / 1000);
    const cached = this.cache.get(token, now);
    if (cached === 'expired') throw new AppException('TOKEN_EXPIRED');
    if (cached) return cached;

    let kid: unknown;
    let alg: unknown;
    try {
      ({ kid, alg } = decodeProtectedHeader(token));
    } catch {
      throw new AppException('TOKEN_INVALID');
    }
    const key = kid === undefined ? this.legacy : typeof kid === 'string' ? this.byKid.get(kid) : undefined;
    if (!key || alg !== key.algorithm) throw new AppException('TOKEN_INVALID');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.key, {
        algorithms: [key.algorithm],
        // a legacy HS256 token may lack iss; one that has it must name us (checked below)
        issuer: key === this.legacy ? undefined : this.issuer,
        audience: this.audience,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw new AppException(error instanceof errors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    }
    if (payload.iss !== undefined && payload.iss !== this.issuer) throw new AppException('TOKEN_INVALID');
    const claims = Object.freeze(payload) as VerifiedClaims;
    this.cache.set(token, claims);
    return claims;
  }
}
