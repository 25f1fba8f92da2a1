import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { passwordProblem } from '../common/password-policy';
import { DURATION, DURATION_MESSAGE, emptyToUndefined, parseDuration, toBool, toInt } from './env-values';
import { JWT_ALGORITHMS, JwtAlgorithm, JwtKeys, readJwtKeys } from './jwt-keys';

export { JWT_ALGORITHMS, jwtAlgorithmOf, type JwtAlgorithm } from './jwt-keys';

/** The value shown in `.env.example`; production refuses to start with it. */
export const SAMPLE_JWT_SECRET = 'replace-me-with-at-least-32-random-bytes-of-secret';
const WEAK_SECRETS = new Set([SAMPLE_JWT_SECRET, 'secret', 'changeme', 'change-me', 'jwt-secret', 'your-secret-key']);

/** Tokens, the first admin, the demo switch, password hashing and the per-request account state. */
export class AuthVariables {
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  /** HS256 (JWT_SECRET), or an asymmetric algorithm whose public keys are published at /.well-known/jwks.json. */
  @IsIn(JWT_ALGORITHMS)
  JWT_ALGORITHM: JwtAlgorithm = 'HS256';

  /** The PEM private key for EdDSA (Ed25519), ES256 (P-256) or RS256 (RSA >= 2048 bits). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY_FILE?: string;

  /** PEM public keys (several blocks allowed) that still verify tokens during a rotation. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_PUBLIC_KEYS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_PUBLIC_KEYS_FILE?: string;

  /** The `iss` of every token; default APP_URL. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  /** When set, every token carries it as `aud`, and a token without it is refused. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value))
  @IsOptional()
  @IsEmail()
  BOOTSTRAP_ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @Transform(toBool)
  @IsBoolean()
  DEMO_MODE = false;

  /** argon2 hashing threads (hashes at once); 0: one per core. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  HASH_CONCURRENCY = 0;

  /** The niceness of the hashing threads (Linux): 19, the lowest priority, lets every other thread of the machine go first; 0 hashes at the event loop's priority. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(19)
  HASH_NICE = 19;

  /** How long an account's per-request state may be reused on this instance (ms); 0 reads it every request. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  ACCESS_CACHE_TTL_MS = 5000;

  /**
   * The longest an access token lives (e.g. 15m, with clients refreshing). Unset: MediSync's lifetimes,
   * 24 hours, or 30 days with `remember` (the session's own). Never past the token's session either way.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(DURATION, { message: DURATION_MESSAGE })
  ACCESS_TOKEN_TTL?: string;

  /** A session unused (no request, no refresh) for this long ends, e.g. 15m on shared workstations; unset: no idle limit. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(DURATION, { message: DURATION_MESSAGE })
  SESSION_IDLE_TIMEOUT?: string;
}

export interface AuthSlice {
  jwtSecret: string;
  /** True when no JWT_SECRET was given and a random one was made for this process. */
  jwtSecretGenerated: boolean;
  /** How tokens are signed and verified; the keys are parsed (and checked against the algorithm) once, here. */
  jwt: {
    algorithm: JwtAlgorithm;
    /** The asymmetric signing key; unset with an asymmetric algorithm: the development key in DATA_DIR (never in production). */
    privateKey?: JwtKeys['privateKey'];
    /** Public keys of earlier signing keys, each with the one algorithm it verifies. */
    previousKeys: JwtKeys['previousKeys'];
    issuer: string;
    audience?: string;
  };
  bootstrapAdmin?: { email: string; password: string };
  demoMode: boolean;
  /** Hashing threads at most (HASH_CONCURRENCY, default one per core). */
  hashConcurrency: number;
  /** Their niceness (HASH_NICE, 0–19). */
  hashNice: number;
  accessCacheTtlMs: number;
  /** ACCESS_TOKEN_TTL in ms; undefined: the session's lifetime (24 h, or 30 days with remember). */
  accessTokenTtlMs?: number;
  /** SESSION_IDLE_TIMEOUT in ms; undefined: sessions end only at their absolute expiry. */
  sessionIdleTimeoutMs?: number;
}

/** What the decorators cannot see: production's refusals and the bootstrap admin's pair of values. */
export function authProblems(v: AuthVariables, production: boolean): string[] {
  const problems: string[] = [];
  const secret = v.JWT_SECRET;
  if (production) {
    // the secret signs tokens only with HS256; with an asymmetric algorithm it is not used
    if (v.JWT_ALGORITHM === 'HS256') {
      if (!secret) problems.push('JWT_SECRET is required when NODE_ENV=production');
      else if (Buffer.byteLength(secret) < 32) problems.push('JWT_SECRET must be at least 32 bytes when NODE_ENV=production');
      else if (WEAK_SECRETS.has(secret))
        problems.push('JWT_SECRET is the sample value; generate a random one (e.g. openssl rand -base64 48)');
    } else if (!v.JWT_PRIVATE_KEY && !v.JWT_PRIVATE_KEY_FILE) {
      problems.push(
        `JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE is required when JWT_ALGORITHM=${v.JWT_ALGORITHM} and NODE_ENV=production (the development key is never used there)`,
      );
    }
    if (v.DEMO_MODE === true) problems.push('DEMO_MODE=true is refused when NODE_ENV=production');
  }
  const adminEmail = v.BOOTSTRAP_ADMIN_EMAIL;
  const adminPassword = v.BOOTSTRAP_ADMIN_PASSWORD;
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  } else if (adminPassword) {
    const why = passwordProblem(adminPassword);
    if (why) problems.push(`BOOTSTRAP_ADMIN_PASSWORD ${why}`);
  }
  return problems;
}

/** The PEM keys, read and parsed once; their problems join the one configuration message. */
export function authKeys(v: AuthVariables): { problems: string[]; keys: JwtKeys } {
  // an unknown JWT_ALGORITHM is already reported; its keys cannot be checked against it
  if (!JWT_ALGORITHMS.includes(v.JWT_ALGORITHM)) return { problems: [], keys: { previousKeys: [] } };
  return readJwtKeys(v.JWT_ALGORITHM, {
    privateKey: v.JWT_PRIVATE_KEY,
    privateKeyFile: v.JWT_PRIVATE_KEY_FILE,
    previousKeys: v.JWT_PREVIOUS_PUBLIC_KEYS,
    previousKeysFile: v.JWT_PREVIOUS_PUBLIC_KEYS_FILE,
  });
}

/** `appUrl` is the default issuer. */
export function authSlice(v: AuthVariables, keys: JwtKeys, appUrl: string): AuthSlice {
  const secret = v.JWT_SECRET;
  const adminEmail = v.BOOTSTRAP_ADMIN_EMAIL;
  const adminPassword = v.BOOTSTRAP_ADMIN_PASSWORD;
  return {
    jwtSecret: secret ?? randomBytes(48).toString('base64url'),
    jwtSecretGenerated: !secret,
    jwt: {
      algorithm: v.JWT_ALGORITHM,
      privateKey: keys.privateKey,
      previousKeys: keys.previousKeys,
      issuer: v.JWT_ISSUER ?? appUrl,
      audience: v.JWT_AUDIENCE,
    },
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail.trim().toLowerCase(), password: adminPassword } : undefined,
    demoMode: v.DEMO_MODE,
    hashConcurrency: v.HASH_CONCURRENCY || availableParallelism(),
    hashNice: v.HASH_NICE,
    accessCacheTtlMs: v.ACCESS_CACHE_TTL_MS,
    accessTokenTtlMs: v.ACCESS_TOKEN_TTL ? parseDuration(v.ACCESS_TOKEN_TTL) : undefined,
    sessionIdleTimeoutMs: v.SESSION_IDLE_TIMEOUT ? parseDuration(v.SESSION_IDLE_TIMEOUT) : undefined,
  };
}
