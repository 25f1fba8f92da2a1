import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/**
 * A short-lived cache of the per-request account state (ACCESS_CACHE_TTL_MS, default 5 s; 0 turns it
 * off), keyed by account and session. It is only used while this instance hears every change: the
 * database announces each change to an account's access at commit (see AccessChangeListener), and
 * the account's entries are dropped the moment the announcement arrives, on every instance. While the
 * listener is not connected the cache is suspended (nothing is served from it or stored in it), so
 * the TTL is only a backstop. Subscription expiry is still decided at each request from the cached
 * period end.
 */
@Injectable()
export class AccessCache<T = unknown> {
  private readonly entries = new Map<string, { value: T; expiresAt: number; userId: string }>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Bumped by every invalidation, so a read that started before a change cannot cache the old state. */
  private readonly generations = new Map<string, number>();
  /** Bumped by every suspend/resume/clear: a read that started before one cannot cache its state. */
  private epoch = 0;
  private suspended = true;
  static readonly MAX = 10_000;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private get enabled(): boolean {
    return !this.suspended && this.config.accessCacheTtlMs > 0;
  }

  get(userId: string, sessionId: string): T | undefined {
    if (!this.enabled) return undefined;
    const key = `${userId}:${sessionId}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Taken before reading the state from the database, handed back to `set`. */
  generation(userId: string): string {
    return `${this.epoch}:${this.generations.get(userId) ?? 0}`;
  }

  /** Stores a state read from the database, unless the account (or the cache) changed since `generation` was taken. */
  set(userId: string, sessionId: string, value: T, generation: string): void {
    if (!this.enabled || generation !== this.generation(userId)) return;
    const key = `${userId}:${sessionId}`;
    this.delete(key);
    // full: the oldest entry goes (a Map iterates in insertion order)
    if (this.entries.size >= AccessCache.MAX) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: Date.now() + this.config.accessCacheTtlMs, userId });
    let keys = this.byUser.get(userId);
    if (!keys) this.byUser.set(userId, (keys = new Set()));
    keys.add(key);
  }

  /** Drops every cached state of the account (its access changed). */
  invalidate(userId: string): void {
    this.generations.set(userId, (this.generations.get(userId) ?? 0) + 1);
    for (const key of this.byUser.get(userId) ?? []) this.entries.delete(key);
    this.byUser.delete(userId);
  }

  /** Empties the cache and stops using it until `resume` (changes may be going unheard). */
  suspend(): void {
    this.suspended = true;
    this.clear();
  }

  /** Starts using the cache again, empty (changes are heard again from now on). */
  resume(): void {
    this.clear();
    this.suspended = false;
  }

  get size(): number {
    return this.entries.size;
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
    this.byUser.clear();
    // generations stay (one number per account ever changed): with the epoch they keep an in-flight
    // read from caching a stale state
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const keys = this.byUser.get(entry.userId);
    keys?.delete(key);
    if (keys?.size === 0) this.byUser.delete(entry.userId);
  }
}
