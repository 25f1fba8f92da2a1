import { Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { CounterStore } from './counter-store';

/** INCR and, on the first hit, PEXPIRE, in one atomic script; returns the count and the time left. */
const INCREMENT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;

/**
 * Counters in Redis (REDIS_URL), shared by every instance. Commands fail fast when Redis is away
 * (no offline queue, one retry), so callers can decide between failing open and failing closed.
 */
export class RedisCounterStore implements CounterStore, OnModuleDestroy {
  private readonly logger = new Logger('Redis');
  private readonly redis: Redis;

  constructor(url: string, prefix: string) {
    this.redis = new Redis(url, {
      keyPrefix: prefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.defineCommand('msIncrement', { numberOfKeys: 1, lua: INCREMENT });
    let warned = false;
    this.redis.on('error', (error: Error) => {
      if (!warned) this.logger.warn(`Redis unreachable (${error.message}); login and register fail closed until it is back`);
      warned = true;
    });
    this.redis.on('ready', () => (warned = false));
  }

  async increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const [count, ttlMs] = await (this.redis as unknown as { msIncrement(k: string, w: number): Promise<[number, number]> }).msIncrement(
      key,
      windowMs,
    );
    return { count, ttlMs };
  }

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async ttl(key: string): Promise<number> {
    const ms = await this.redis.pttl(key);
    return ms > 0 ? ms : 0;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
