import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ObservabilityModule } from '../observability/observability.module';
import { COUNTER_STORE, CounterStore, MemoryCounterStore } from './counter-store';
import { CounterThrottlerStorage } from './counter-throttler-storage';
import { LockoutService } from './lockout.service';
import { QuotaGuard } from './quota';
import { RateLimitGuard } from './rate-limit';
import { RedisCounterStore } from './redis-counter-store';

/** Where the counters live: Redis when REDIS_URL is set (one limit across instances), else this process. */
@Module({
  providers: [
    {
      provide: COUNTER_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): CounterStore =>
        config.redisUrl ? new RedisCounterStore(config.redisUrl, config.redisKeyPrefix) : new MemoryCounterStore(),
    },
  ],
  exports: [COUNTER_STORE],
})
export class CounterStoreModule {}

/**
 * Rate limits (RateLimitGuard, the first global guard; see AppModule) and the login lockout. Their
 * counters live in Redis when REDIS_URL is set (one limit across instances), else in this process.
 */
@Module({
  imports: [
    CounterStoreModule,
    ObservabilityModule,
    ThrottlerModule.forRootAsync({
      imports: [CounterStoreModule],
      inject: [COUNTER_STORE],
      useFactory: (store: CounterStore) => ({
        // required by the module; RateLimitGuard takes each route's real limit from RATE_LIMIT_*
        throttlers: [{ name: 'default', ttl: 60_000, limit: 300 }],
        storage: new CounterThrottlerStorage(store),
      }),
    }),
  ],
  providers: [LockoutService, RateLimitGuard, QuotaGuard],
  exports: [LockoutService, RateLimitGuard, QuotaGuard],
})
export class AbuseModule {}
