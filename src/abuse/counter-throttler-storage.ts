import type { ThrottlerStorage } from '@nestjs/throttler';
import { CounterStore } from './counter-store';

/**
 * @nestjs/throttler's storage on our CounterStore (memory or Redis): a fixed window per key, counted
 * atomically, so parallel requests across instances are admitted exactly `limit` times per window.
 */
export class CounterThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly store: CounterStore) {}

  async increment(key: string, ttl: number, limit: number): ReturnType<ThrottlerStorage['increment']> {
    const { count, ttlMs } = await this.store.increment(key, ttl);
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    const isBlocked = count > limit;
    return { totalHits: count, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }
}
