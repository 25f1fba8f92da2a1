/** Expiring counters and flags, shared by every instance when REDIS_URL is set, else in this process. */
export interface CounterStore {
  /** Adds one; the window starts at the first hit. Atomic. */
  increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** Sets the key for `ttlMs` unless it exists; true when this call set it. */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  /** Milliseconds left, or 0 when absent. */
  ttl(key: string): Promise<number>;
  delete(key: string): Promise<void>;
}

export const COUNTER_STORE = Symbol('COUNTER_STORE');

/** One process's counters (the default without REDIS_URL). JavaScript runs one callback at a time, so this is atomic. */
export class MemoryCounterStore implements CounterStore {
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();

  private live(key: string, now = Date.now()) {
    const e = this.entries.get(key);
    if (e && e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const now = Date.now();
    const e = this.live(key, now) ?? { count: 0, expiresAt: now + windowMs };
    e.count += 1;
    this.entries.set(key, e);
    if (this.entries.size > 100_000) this.sweep(now);
    return Promise.resolve({ count: e.count, ttlMs: e.expiresAt - now });
  }

  setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    this.entries.set(key, { count: 1, expiresAt: Date.now() + ttlMs });
    return Promise.resolve(true);
  }

  ttl(key: string): Promise<number> {
    const e = this.live(key);
    return Promise.resolve(e ? e.expiresAt - Date.now() : 0);
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  private sweep(now: number) {
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}
