import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SessionEndReason } from '../sessions/session.entity';
import type { SessionState } from '../sessions/sessions.service';
import type { PlanId, SubscriptionState, SubscriptionStatus } from '../subscriptions/plans';
import { entityFromRow } from '../common/find-one';
import type { AccountView } from '../users/dto/users.dto';
import { Role, User } from '../users/user.entity';
import { AccessCache } from './access-cache';

/** What the guards decide with, as it is at this request. */
export interface AccessState {
  id: string;
  role: Role;
  emailVerified: boolean;
  disabled: boolean;
  tokenVersion: number;
  /** The token's session, or null when there is no such session of this account. */
  session: SessionState | null;
  subscription: SubscriptionState | null;
  /** The account's own row (no password hash), read with the rest: `GET /api/users/me` answers from it. */
  account: AccountView;
}

/**
 * The per-request read of an account's live state. It runs on every authenticated call, so it is one
 * indexed query across users, the token's session and the newest subscription row (read-only; each
 * table is still written only by its own module). Cached per account and session; any change to the
 * user row, its sessions or its subscriptions drops the cached state on every instance at commit.
 */
@Injectable()
export class AccessStateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: AccessCache<AccessState>,
  ) {}

  /** The state, from the short-lived cache when fresh (see AccessCache), else from the database. */
  async load(userId: string, sessionId: string): Promise<AccessState | null> {
    const cached = this.cache.get(userId, sessionId);
    if (cached) return cached;
    const generation = this.cache.generation(userId);
    const state = await this.read(userId, sessionId);
    if (state) this.cache.set(userId, sessionId, state, generation);
    return state;
  }

  /**
   * A login's read: the account with this email and its newest subscription, in one query (the
   * subscription is for the login response's `permissions`). Null when no account has this email.
   */
  async forLogin(email: string): Promise<{ user: User; subscription: SubscriptionState | null } | null> {
    const rows = await this.db.query<
      Array<Record<string, unknown> & { s_plan: PlanId | null; s_status: SubscriptionStatus | null; s_end: Date | null }>
    >(
      `SELECT u.*, s.plan AS s_plan, s.status AS s_status, s.current_period_end AS s_end
         FROM users u
         LEFT JOIN LATERAL (
           SELECT plan, status, current_period_end FROM subscriptions
            WHERE user_id = u.id ORDER BY created_at DESC, id DESC LIMIT 1
         ) s ON true
        WHERE u.email = $1`,
      [email.trim().toLowerCase()],
    );
    const row = rows[0];
    if (!row) return null;
    const subscription =
      row.s_plan && row.s_status && row.s_end ? { plan: row.s_plan, status: row.s_status, currentPeriodEnd: new Date(row.s_end) } : null;
    return { user: entityFromRow(this.db.manager, User, row), subscription };
  }

  private async read(userId: string, sessionId: string): Promise<AccessState | null> {
    const rows = await this.db.query<
      Array<{
        id: string;
        role: Role;
        email: string;
        title: string | null;
        first_name: string;
        last_name: string;
        specialty: string | null;
        ehr_system_type: string | null;
        ehr_system_name: string | null;
        email_verified_at: Date | null;
        mfa_enabled: boolean;
        created_at: Date;
        updated_at: Date;
        disabled: boolean;
        token_version: number;
        session_tv: number | null;
        session_expires_at: Date | null;
        session_last_used_at: Date | null;
        session_end_reason: SessionEndReason | null;
        plan: PlanId | null;
        status: SubscriptionStatus | null;
        current_period_end: Date | null;
      }>
    >(
      `SELECT u.id, u.role, u.email, u.title, u.first_name, u.last_name, u.specialty, u.ehr_system_type, u.ehr_system_name,
              u.email_verified_at, u.mfa_enabled, u.created_at, u.updated_at, u.disabled_at IS NOT NULL AS disabled, u.token_version,
              se.token_version AS session_tv, se.expires_at AS session_expires_at, se.last_used_at AS session_last_used_at,
              se.end_reason AS session_end_reason,
              s.plan, s.status, s.current_period_end
         FROM users u
         LEFT JOIN sessions se ON se.id = $2 AND se.user_id = u.id
         LEFT JOIN LATERAL (
           SELECT plan, status, current_period_end FROM subscriptions
            WHERE user_id = u.id ORDER BY created_at DESC, id DESC LIMIT 1
         ) s ON true
        WHERE u.id = $1`,
      [userId, sessionId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      role: row.role,
      emailVerified: row.email_verified_at !== null,
      disabled: row.disabled,
      tokenVersion: row.token_version,
      session:
        row.session_tv === null
          ? null
          : {
              tokenVersion: row.session_tv,
              expiresAt: new Date(row.session_expires_at!),
              lastUsedAt: new Date(row.session_last_used_at!),
              endReason: row.session_end_reason,
            },
      subscription:
        row.plan && row.status && row.current_period_end
          ? { plan: row.plan, status: row.status, currentPeriodEnd: new Date(row.current_period_end) }
          : null,
      account: {
        id: row.id,
        email: row.email,
        role: row.role,
        title: row.title,
        firstName: row.first_name,
        lastName: row.last_name,
        specialty: row.specialty,
        ehrSystemType: row.ehr_system_type,
        ehrSystemName: row.ehr_system_name,
        emailVerifiedAt: row.email_verified_at === null ? null : new Date(row.email_verified_at),
        mfaEnabled: row.mfa_enabled,
        createdAt: new Date(row.created_at),
        updatedAt: new Date(row.updated_at),
      },
    };
  }
}
