import { ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { AppException } from '../common/errors';
import { AppConfig, RateLimitPolicy } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../observability/metrics.service';

export const RATE_LIMIT_KEY = 'medisync:rate-limit';
const FAIL_CLOSED = new Set<RateLimitPolicy>(['login', 'register']);

/**
 * Puts the route under a named, configurable per-IP limit (RATE_LIMIT_<NAME>) instead of the default.
 * The OpenAPI document's 429 and X-RateLimit-* headers are derived from this (see src/openapi.ts).
 */
export const RateLimit = (policy: Exclude<RateLimitPolicy, 'default'>) => SetMetadata(RATE_LIMIT_KEY, policy);

/** Health and metrics: never limited. */
export const SkipRateLimit = () => SetMetadata(RATE_LIMIT_KEY, 'none');

/** The limit a route is under, read the way the guard reads it: a policy, or 'none'. */
export function rateLimitOf(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): RateLimitPolicy | 'none' {
  return reflector.getAllAndOverride<RateLimitPolicy | 'none' | undefined>(RATE_LIMIT_KEY, targets) ?? 'default';
}

/**
 * The first global guard: a fixed-window counter per client IP (the address Fastify derives, which
 * honours X-Forwarded-For only under TRUST_PROXY) and per policy. Sends X-RateLimit-Limit,
 * -Remaining and -Reset, and on 429 Retry-After.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = rateLimitOf(this.reflector, [context.getHandler(), context.getClass()]);
    if (policy === 'none') return true;
    const { limit, windowMs } = this.config.rateLimits[policy];
    if (limit === 0) return true;
    try {
      return await this.handleRequest({
        context,
        limit,
        ttl: windowMs,
        blockDuration: windowMs,
        // named "default" so the headers carry no suffix; the key keeps the policies apart
        throttler: { name: 'default', limit, ttl: windowMs },
        getTracker: (req: Record<string, unknown>) => Promise.resolve(String(req.ip)),
        generateKey: (_ctx: ExecutionContext, tracker: string) => `rl:${policy}:${tracker}`,
      });
    } catch (error) {
      if (error instanceof ThrottlerException) {
        this.metrics.rateLimited.inc({ policy });
        throw error;
      }
      // the counter store (Redis) is unreachable: login and register fail closed, the rest stays open
      if (FAIL_CLOSED.has(policy)) throw new AppException('SERVICE_UNAVAILABLE', 'Temporarily unavailable, please retry');
      new Logger('RateLimit').warn(`rate limit not applied (${policy}): ${error instanceof Error ? error.message : String(error)}`);
      return true;
    }
  }

  /** A 429 carries the X-RateLimit-* headers too (the throttler sets them only on answers it lets through). */
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<{ header(name: string, value: string | number): unknown }>();
    reply.header('X-RateLimit-Limit', detail.limit);
    reply.header('X-RateLimit-Remaining', 0);
    reply.header('X-RateLimit-Reset', detail.timeToBlockExpire);
    return super.throwThrottlingException(context, detail);
  }
}
