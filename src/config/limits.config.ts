import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { emptyToUndefined, toInt } from './env-values';

const RATE = /^(0|[1-9]\d*\/[1-9]\d*(ms|s|m|h))$/;
const RATE_MESSAGE = '$property must be count/window, e.g. 5/15m (units ms, s, m, h), or 0 to disable';

export interface RateLimit {
  /** 0: no limit. */
  limit: number;
  windowMs: number;
}

export type RateLimitPolicy = 'default' | 'login' | 'register' | 'verificationResend' | 'passwordForgot';

/** Reads a value that matched RATE. */
export function parseRate(value: string): RateLimit {
  if (value === '0') return { limit: 0, windowMs: 60_000 };
  const m = /^(\d+)\/(\d+)(ms|s|m|h)$/.exec(value)!;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[3] as 'ms' | 's' | 'm' | 'h'];
  return { limit: Number(m[1]), windowMs: Number(m[2]) * unit };
}

/** What the server takes from a client: rate limits, login lockout, their shared counters, body size, CORS, proxies. */
export class LimitsVariables {
  /** Per-client (IP) limit on every route without a policy of its own (health and metrics are never limited). */
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

  /** Failed logins for one email from one client IP within the window that lock that (email, IP) pair for the window. */
  @Matches(RATE, { message: RATE_MESSAGE })
  LOGIN_LOCKOUT = '5/15m';

  /** Failed logins for one email from any addresses within the window that lock the email everywhere (and mail its owner once). */
  @Matches(RATE, { message: RATE_MESSAGE })
  LOGIN_LOCKOUT_GLOBAL = '20/15m';

  /** Patient-portal invitations one account may send per 24 hours; 0: no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  INVITES_PER_DAY = 20;

  /** Unset: the rate-limit and lockout counters live in each process. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every Redis key, to share one Redis between deployments. */
  @Transform(emptyToUndefined)
  @IsString()
  REDIS_KEY_PREFIX = 'medisync:';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT = 100 * 1024;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @Matches(/^(true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses/CIDRs',
  })
  TRUST_PROXY?: string;
}

export interface LimitsSlice {
  rateLimits: Record<RateLimitPolicy, RateLimit>;
  loginLockout: RateLimit;
  loginLockoutGlobal: RateLimit;
  invitesPerDay: number;
  redisUrl?: string;
  redisKeyPrefix: string;
  bodyLimit: number;
  corsOrigins: string[];
  trustProxy?: string;
}

export function limitsSlice(v: LimitsVariables): LimitsSlice {
  return {
    rateLimits: {
      default: parseRate(v.RATE_LIMIT_DEFAULT),
      login: parseRate(v.RATE_LIMIT_LOGIN),
      register: parseRate(v.RATE_LIMIT_REGISTER),
      verificationResend: parseRate(v.RATE_LIMIT_VERIFICATION_RESEND),
      passwordForgot: parseRate(v.RATE_LIMIT_PASSWORD_FORGOT),
    },
    loginLockout: parseRate(v.LOGIN_LOCKOUT),
    loginLockoutGlobal: parseRate(v.LOGIN_LOCKOUT_GLOBAL),
    invitesPerDay: v.INVITES_PER_DAY,
    redisUrl: v.REDIS_URL,
    redisKeyPrefix: v.REDIS_KEY_PREFIX,
    bodyLimit: v.BODY_LIMIT,
    corsOrigins: (v.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: v.TRUST_PROXY,
  };
}
