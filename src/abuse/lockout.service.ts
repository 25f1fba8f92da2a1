import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { COUNTER_STORE, CounterStore } from './counter-store';

/** Which lock a login ran into or set: one client address for the email, or the email everywhere. */
export type LockScope = 'client' | 'email';

export interface FailureOutcome {
  /** This failure locked the (email, client IP) pair (LOGIN_LOCKOUT). */
  clientLocked: boolean;
  /** This failure locked the email everywhere (LOGIN_LOCKOUT_GLOBAL); true for exactly one failure per lock. */
  emailLocked: boolean;
}

/**
 * Login lockout (contract v2), in two tiers, whether or not an account has the email:
 * - per (email, client IP): LOGIN_LOCKOUT, default 5 failures in 15 minutes lock that pair only, so
 *   someone guessing from one address cannot lock the owner out of theirs;
 * - per email from any address: LOGIN_LOCKOUT_GLOBAL, default 20 in 15 minutes lock the email
 *   everywhere (a distributed guess).
 * Counts are atomic in the counter store (Redis across instances), so 50 parallel failures count 50.
 */
@Injectable()
export class LockoutService {
  constructor(
    @Inject(COUNTER_STORE) private readonly store: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The store failing (Redis away) makes login fail closed. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch {
      throw new AppException('SERVICE_UNAVAILABLE', 'Temporarily unavailable, please retry');
    }
  }

  private key(kind: 'fail' | 'lock', email: string, ip?: string) {
    const address = ip === undefined ? '' : `:${createHash('sha256').update(ip).digest('base64url').slice(0, 16)}`;
    return `lockout:${kind}${ip === undefined ? '' : ':ip'}:${email.trim().toLowerCase()}${address}`;
  }

  /** Seconds this email stays locked for this client, and which lock holds it; 0 when none does. */
  async lockedFor(email: string, ip: string): Promise<{ seconds: number; scope: LockScope | null }> {
    const [pair, everywhere] = await this.guarded(() =>
      Promise.all([this.store.ttl(this.key('lock', email, ip)), this.store.ttl(this.key('lock', email))]),
    );
    if (everywhere > 0 && everywhere >= pair) return { seconds: Math.ceil(everywhere / 1000), scope: 'email' };
    if (pair > 0) return { seconds: Math.ceil(pair / 1000), scope: 'client' };
    return { seconds: 0, scope: null };
  }

  /** Counts a failure in both tiers; says which lock this very failure set. */
  async recordFailure(email: string, ip: string): Promise<FailureOutcome> {
    const [clientLocked, emailLocked] = await Promise.all([
      this.count(this.config.loginLockout, email, ip),
      this.count(this.config.loginLockoutGlobal, email),
    ]);
    return { clientLocked, emailLocked };
  }

  private async count({ limit, windowMs }: { limit: number; windowMs: number }, email: string, ip?: string): Promise<boolean> {
    if (limit === 0) return false;
    const { count } = await this.guarded(() => this.store.increment(this.key('fail', email, ip), windowMs));
    if (count < limit) return false;
    return this.guarded(() => this.store.setIfAbsent(this.key('lock', email, ip), windowMs));
  }

  /** A correct password from this client clears its count (the email-wide count keeps running). */
  async reset(email: string, ip: string): Promise<void> {
    await this.guarded(() => this.store.delete(this.key('fail', email, ip)));
  }
}
