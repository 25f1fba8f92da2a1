import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, validateSync } from 'class-validator';
import { passwordProblem } from '../common/password-policy';

/** The value shown in `.env.example`; production refuses to start with it. */
export const SAMPLE_JWT_SECRET = 'replace-me-with-at-least-32-random-bytes-of-secret';
const WEAK_SECRETS = new Set([SAMPLE_JWT_SECRET, 'secret', 'changeme', 'change-me', 'jwt-secret', 'your-secret-key']);

const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value; // left as a string so that IsBoolean reports it
};
const toInt = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
};
const RATE = /^(0|[1-9]\d*\/[1-9]\d*(ms|s|m|h))$/;
const RATE_MESSAGE = '$property must be count/window, e.g. 5/15m (units ms, s, m, h), or 0 to disable';

export interface RateLimit {
  /** 0: no limit. */
  limit: number;
  windowMs: number;
}

export function parseRate(value: string): RateLimit {
  if (value === '0') return { limit: 0, windowMs: 60_000 };
  const m = /^(\d+)\/(\d+)(ms|s|m|h)$/.exec(value)!;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[3] as 'ms' | 's' | 'm' | 'h'];
  return { limit: Number(m[1]), windowMs: Number(m[2]) * unit };
}

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** The environment, as the process receives it. Every name is in the README's configuration table. */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsString()
  DATA_DIR = './data';

  @Transform(toBool)
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every Redis key, to share one Redis between deployments. */
  @Transform(emptyToUndefined)
  @IsString()
  REDIS_KEY_PREFIX = 'medisync:';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @Matches(/^(true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses/CIDRs',
  })
  TRUST_PROXY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @Transform(emptyToUndefined)
  @IsString()
  MAIL_FROM = 'MediSync <no-reply@medisync.local>';

  /** Default: http://localhost:<PORT>. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  APP_URL?: string;

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

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT = 100 * 1024;

  /** Per-client (IP) limit on every route without its own, as count/window (e.g. 300/1m); 0 disables. */
  @Matches(RATE, { message: RATE_MESSAGE })
  RATE_LIMIT_DEFAULT = '300/1m';

  @Matches(RATE, { message: RATE_MESSAGE })
  RATE_LIMIT_LOGIN = '5/15m';

  @Matches(RATE, { message: RATE_MESSAGE })
  RATE_LIMIT_REGISTER = '3/1h';

  @Matches(RATE, { message: RATE_MESSAGE })
  RATE_LIMIT_VERIFICATION_RESEND = '5/30m';

  @Matches(RATE, { message: RATE_MESSAGE })
  RATE_LIMIT_PASSWORD_FORGOT = '5/30m';

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  /** How long an account's per-request state may be reused on this instance (ms); 0 reads it every request. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  ACCESS_CACHE_TTL_MS = 5000;

  /** argon2 hashes at once; 0: the cores less one (at least one), leaving a core to serve other requests. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  HASH_CONCURRENCY = 0;

  @IsIn(['rules', 'openai'])
  AI_PROVIDER: 'rules' | 'openai' = 'rules';

  /** OpenAI-compatible base URL, e.g. https://llm.hospital.internal/v1 (required with AI_PROVIDER=openai). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  AI_BASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  AI_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsString()
  AI_MODEL = 'gpt-4o-mini';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  AI_TIMEOUT_MS = 15_000;

  /** Failed logins per email within the window before the email is locked for that window. */
  @Matches(RATE, { message: RATE_MESSAGE })
  LOGIN_LOCKOUT = '5/15m';
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Unset: the embedded database under `dataDir` is started. */
  databaseUrl?: string;
  dataDir: string;
  migrateOnStart: boolean;
  dbPoolSize: number;
  jwtSecret: string;
  /** True when no JWT_SECRET was given and a random one was made for this process. */
  jwtSecretGenerated: boolean;
  redisUrl?: string;
  redisKeyPrefix: string;
  trustProxy?: string;
  smtpUrl?: string;
  mailFrom: string;
  appUrl: string;
  bootstrapAdmin?: { email: string; password: string };
  demoMode: boolean;
  logLevel: string;
  corsOrigins: string[];
  bodyLimit: number;
  rateLimits: Record<RateLimitPolicy, RateLimit>;
  metricsToken?: string;
  accessCacheTtlMs: number;
  hashConcurrency: number;
  ai: { provider: 'rules' | 'openai'; baseUrl?: string; apiKey?: string; model: string; timeoutMs: number };
  loginLockout: RateLimit;
}

export type RateLimitPolicy = 'default' | 'login' | 'register' | 'verificationResend' | 'passwordForgot';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the whole environment at once. Throws one ConfigError listing every problem,
 * never a secret's value.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = plainToInstance(EnvironmentVariables, { ...source }, { excludeExtraneousValues: false });
  const problems: string[] = [];
  for (const error of validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false })) {
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push(message.startsWith(error.property) ? message : `${error.property}: ${message}`);
    }
  }
  const production = env.NODE_ENV === 'production';
  const secret = env.JWT_SECRET;
  if (production) {
    if (!secret) problems.push('JWT_SECRET is required when NODE_ENV=production');
    else if (Buffer.byteLength(secret) < 32) problems.push('JWT_SECRET must be at least 32 bytes when NODE_ENV=production');
    else if (WEAK_SECRETS.has(secret))
      problems.push('JWT_SECRET is the sample value; generate a random one (e.g. openssl rand -base64 48)');
    if (env.DEMO_MODE === true) problems.push('DEMO_MODE=true is refused when NODE_ENV=production');
  }
  const adminEmail = env.BOOTSTRAP_ADMIN_EMAIL;
  const adminPassword = env.BOOTSTRAP_ADMIN_PASSWORD;
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  } else if (adminPassword) {
    const why = passwordProblem(adminPassword);
    if (why) problems.push(`BOOTSTRAP_ADMIN_PASSWORD ${why}`);
  }
  if (env.AI_PROVIDER === 'openai' && !env.AI_BASE_URL) problems.push('AI_BASE_URL is required when AI_PROVIDER=openai');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    migrateOnStart: env.DB_MIGRATE_ON_START,
    dbPoolSize: env.DB_POOL_SIZE,
    jwtSecret: secret ?? randomBytes(48).toString('base64url'),
    jwtSecretGenerated: !secret,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    trustProxy: env.TRUST_PROXY,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail.trim().toLowerCase(), password: adminPassword } : undefined,
    demoMode: env.DEMO_MODE,
    logLevel: env.LOG_LEVEL,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: env.BODY_LIMIT,
    rateLimits: {
      default: parseRate(env.RATE_LIMIT_DEFAULT),
      login: parseRate(env.RATE_LIMIT_LOGIN),
      register: parseRate(env.RATE_LIMIT_REGISTER),
      verificationResend: parseRate(env.RATE_LIMIT_VERIFICATION_RESEND),
      passwordForgot: parseRate(env.RATE_LIMIT_PASSWORD_FORGOT),
    },
    loginLockout: parseRate(env.LOGIN_LOCKOUT),
    metricsToken: env.METRICS_TOKEN,
    accessCacheTtlMs: env.ACCESS_CACHE_TTL_MS,
    hashConcurrency: env.HASH_CONCURRENCY || Math.max(1, availableParallelism() - 1),
    ai: { provider: env.AI_PROVIDER, baseUrl: env.AI_BASE_URL, apiKey: env.AI_API_KEY, model: env.AI_MODEL, timeoutMs: env.AI_TIMEOUT_MS },
  };
}
