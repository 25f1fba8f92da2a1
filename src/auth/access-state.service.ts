import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PlanId, SubscriptionState, SubscriptionStatus } from '../subscriptions/plans';
import { Role } from '../users/user.entity';
import { AccessCache } from './access-cache';

/** What the guards decide with, as it is at this request. */
export interface AccessState {
  id: string;
  role: Role;
  emailVerified: boolean;
  disabled: boolean;
  tokenVersion: number;
  jtiRevoked: boolean;
  subscription: SubscriptionState | null;
}

/**
 * The per-request read of an account's live state. It runs on every authenticated call, so it is one
 * indexed query across users, the logout denylist and the newest subscription row (read-only; each
 * table is still written only by its own module).
 */
@Injectable()
export class AccessStateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: AccessCache<AccessState>,
  ) {}

  /** The state, from the short-lived cache when fresh (see AccessCache), else from the database. */
  async load(userId: string, jti: string): Promise<AccessState | null> {
    const cached = this.cache.get(userId, jti);
    if (cached) return cached;
    const generation = this.cache.generation(userId);
    const state = await this.read(userId, jti);
    if (state) this.cache.set(userId, jti, state, generation);
    return state;
  }

  private async read(userId: string, jti: string): Promise<AccessState | null> {
    const rows = await this.db.query<
      Array<{
        id: string;
        role: Role;
        verified: boolean;
        disabled: boolean;
        token_version: number;
        revoked: boolean;
        plan: PlanId | null;
        status: SubscriptionStatus | null;
        current_period_end: Date | null;
      }>
    >(
      `SELECT u.id, u.role, u.email_verified_at IS NOT NULL AS verified, u.disabled_at IS NOT NULL AS disabled, u.token_version,
              EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked,
              s.plan, s.status, s.current_period_end
         FROM users u
         LEFT JOIN LATERAL (
           SELECT plan, status, current_period_end FROM subscriptions
            WHERE user_id = u.id ORDER BY created_at DESC, id DESC LIMIT 1
         ) s ON true
        WHERE u.id = $1`,
      [userId, jti],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      role: row.role,
      emailVerified: row.verified,
      disabled: row.disabled,
      tokenVersion: row.token_version,
      jtiRevoked: row.revoked,
      subscription:
        row.plan && row.status && row.current_period_end
          ? { plan: row.plan, status: row.status, currentPeriodEnd: new Date(row.current_period_end) }
          : null,
    };
  }
}
