import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/**
 * A short-lived cache of the per-request account state (ACCESS_CACHE_TTL_MS, default 5 s; 0 turns it
 * off), keyed by account and token. Every change made through this instance (logout, password change
 * or reset, role, disable, subscription, verification) drops the account's entries at once; a change
 * made on another instance is seen within the TTL. Subscription expiry is still decided at each
 * request from the cached period end. Callers invalidate after their change has committed.
 */
@Injectable()
export class AccessCache<T = unknown> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Bumped by every invalidation, so a read that started before a change cannot cache the old state. */
  private readonly generations = new Map<string, number>();
  private static readonly MAX = 10_000;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get ttlMs(): number {
    return this.config.accessCacheTtlMs;
  }

  get(userId: string, tokenId: string): T | undefined {
    if (this.ttlMs === 0) return undefined;
    const key = `${userId}:${tokenId}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  generation(userId: string): number {
    return this.generations.get(userId) ?? 0;
  }

  /** Stores a state read from the database, unless the account changed since `generation` was taken. */
  set(userId: string, tokenId: string, value: T, generation: number): void {
    if (this.ttlMs === 0 || generation !== this.generation(userId)) return;
    if (this.entries.size >= AccessCache.MAX) this.clear();
    const key = `${userId}:${tokenId}`;
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    let keys = this.byUser.get(userId);
    if (!keys) this.byUser.set(userId, (keys = new Set()));
    keys.add(key);
  }

  /** Drops every cached state of the account (call after any change to it). */
  invalidate(userId: string): void {
    this.generations.set(userId, this.generation(userId) + 1);
    for (const key of this.byUser.get(userId) ?? []) this.entries.delete(key);
    this.byUser.delete(userId);
  }

  clear(): void {
    this.entries.clear();
    this.byUser.clear();
    // generations stay (one number per account ever changed): they keep an in-flight read from
    // caching a stale state, so they are never reset
  }
}

@Global()
@Module({ providers: [AccessCache], exports: [AccessCache] })
export class AccessCacheModule {}
