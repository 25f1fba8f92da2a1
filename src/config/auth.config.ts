import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { passwordProblem } from '../common/password-policy';
import { emptyToUndefined, toBool, toInt } from './env-values';

/** The value shown in `.env.example`; production refuses to start with it. */
export const SAMPLE_JWT_SECRET = 'replace-me-with-at-least-32-random-bytes-of-secret';
const WEAK_SECRETS = new Set([SAMPLE_JWT_SECRET, 'secret', 'changeme', 'change-me', 'jwt-secret', 'your-secret-key']);

/** Tokens, the first admin, the demo switch, password hashing and the per-request account state. */
export class AuthVariables {
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

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

  /** argon2 hashes at once; 0: the cores less one (at least one), leaving a core to serve other requests. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  HASH_CONCURRENCY = 0;

  /** How long an account's per-request state may be reused on this instance (ms); 0 reads it every request. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  ACCESS_CACHE_TTL_MS = 5000;
}

export interface AuthSlice {
  jwtSecret: string;
  /** True when no JWT_SECRET was given and a random one was made for this process. */
  jwtSecretGenerated: boolean;
  bootstrapAdmin?: { email: string; password: string };
  demoMode: boolean;
  hashConcurrency: number;
  accessCacheTtlMs: number;
}

/** What the decorators cannot see: production's refusals and the bootstrap admin's pair of values. */
export function authProblems(v: AuthVariables, production: boolean): string[] {
  const problems: string[] = [];
  const secret = v.JWT_SECRET;
  if (production) {
    if (!secret) problems.push('JWT_SECRET is required when NODE_ENV=production');
    else if (Buffer.byteLength(secret) < 32) problems.push('JWT_SECRET must be at least 32 bytes when NODE_ENV=production');
    else if (WEAK_SECRETS.has(secret))
      problems.push('JWT_SECRET is the sample value; generate a random one (e.g. openssl rand -base64 48)');
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

export function authSlice(v: AuthVariables): AuthSlice {
  const secret = v.JWT_SECRET;
  const adminEmail = v.BOOTSTRAP_ADMIN_EMAIL;
  const adminPassword = v.BOOTSTRAP_ADMIN_PASSWORD;
  return {
    jwtSecret: secret ?? randomBytes(48).toString('base64url'),
    jwtSecretGenerated: !secret,
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail.trim().toLowerCase(), password: adminPassword } : undefined,
    demoMode: v.DEMO_MODE,
    hashConcurrency: v.HASH_CONCURRENCY || Math.max(1, availableParallelism() - 1),
    accessCacheTtlMs: v.ACCESS_CACHE_TTL_MS,
  };
}
