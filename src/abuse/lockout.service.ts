import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { COUNTER_STORE, CounterStore } from './counter-store';

/**
 * Login lockout per email (LOGIN_LOCKOUT, default 5 failures in 15 minutes lock the email for 15
 * minutes), whether or not an account has that email. Counts are atomic in the store, so 50 parallel
 * wrong passwords count 50.
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

  private key(kind: 'fail' | 'lock', email: string) {
    return `lockout:${kind}:${email.trim().toLowerCase()}`;
  }

  /** Seconds the email stays locked, or 0. */
  async lockedFor(email: string): Promise<number> {
    const ms = await this.guarded(() => this.store.ttl(this.key('lock', email)));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  /** Counts a failure; returns true when this failure locked the email. */
  async recordFailure(email: string): Promise<boolean> {
    const { limit, windowMs } = this.config.loginLockout;
    if (limit === 0) return false;
    const { count } = await this.guarded(() => this.store.increment(this.key('fail', email), windowMs));
    if (count < limit) return false;
    return this.guarded(() => this.store.setIfAbsent(this.key('lock', email), windowMs));
  }

  async reset(email: string): Promise<void> {
    await this.guarded(() => this.store.delete(this.key('fail', email)));
  }
}
