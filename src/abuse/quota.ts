import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { COUNTER_STORE, CounterStore } from './counter-store';
import { principalOf } from '../auth/principal';

export const QUOTA_KEY = 'medisync:quota';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Actions an account may take only so many times a day, each with its configuration. */
export type QuotaName = 'invitations';

/** Puts the route under a per-account daily quota; set through `@Auth({ quota })` (the OpenAPI 429 is derived from it). */
export const Quota = (name: QuotaName | null) => SetMetadata(QUOTA_KEY, name);

/** The quota a route counts against, read the way the guard reads it. */
export function quotaOf(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): QuotaName | null {
  return reflector.getAllAndOverride<QuotaName | null | undefined>(QUOTA_KEY, targets) ?? null;
}

/**
 * The last global guard: a route with a quota counts each call of the authenticated account (after
 * every access rule let it through) in the counter store, so the quota holds across instances with
 * Redis. Over it: 429 RATE_LIMITED with Retry-After (seconds until the account's 24-hour window ends).
 * INVITES_PER_DAY (default 20; 0 disables) for invitations. The store failing refuses the call (503).
 */
@Injectable()
export class QuotaGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(COUNTER_STORE) private readonly store: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = quotaOf(this.reflector, [context.getHandler(), context.getClass()]);
    const principal = principalOf(context);
    if (!name || !principal) return true;
    const limit = this.config.invitesPerDay;
    if (limit === 0) return true;
    let counted: { count: number; ttlMs: number };
    try {
      counted = await this.store.increment(`quota:${name}:${principal.id}`, DAY_MS);
    } catch {
      throw new AppException('SERVICE_UNAVAILABLE', 'Temporarily unavailable, please retry');
    }
    const reset = String(Math.max(1, Math.ceil(counted.ttlMs / 1000)));
    void context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .headers({
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, limit - counted.count)),
        'x-ratelimit-reset': reset,
      });
    if (counted.count > limit) throw new AppException('RATE_LIMITED', undefined, undefined, { 'retry-after': reset });
    return true;
  }
}
