import { applyDecorators, ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { ApiResponse } from '@nestjs/swagger';
import { AppException } from '../common/errors';
import { ErrorResponseDto } from '../common/common.dto';
import { AppConfig, RateLimitPolicy } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../observability/metrics.service';

export const RATE_LIMIT_KEY = 'medisync:rate-limit';
const FAIL_CLOSED = new Set<RateLimitPolicy>(['login', 'register']);

/** Puts the route under a named, configurable per-IP limit (RATE_LIMIT_<NAME>) instead of the default. */
export const RateLimit = (policy: Exclude<RateLimitPolicy, 'default'>) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_KEY, policy),
    ApiResponse({ status: 429, type: ErrorResponseDto, description: 'RATE_LIMITED: too many requests from this client; see Retry-After' }),
  );

/** Health and metrics: never limited. */
export const SkipRateLimit = () => SetMetadata(RATE_LIMIT_KEY, 'none');

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
    const name = this.reflector.getAllAndOverride<RateLimitPolicy | 'none' | undefined>(RATE_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (name === 'none') return true;
    const policy = name ?? 'default';
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
}
