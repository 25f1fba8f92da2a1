import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SessionEndReason } from '../sessions/session.entity';
import type { SessionState } from '../sessions/sessions.service';
import type { PlanId, SubscriptionState, SubscriptionStatus } from '../subscriptions/plans';
import { entityFromRow } from '../common/find-one';
import { ACCOUNT_FIELDS, AccountView, accountViewOf } from '../users/dto/users.dto';
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
    const rows = await this.db.query<Array<Record<string, unknown> & SubscriptionColumns>>(
      `SELECT u.*, ${SUBSCRIPTION_COLUMNS} FROM users u ${NEWEST_SUBSCRIPTION} WHERE u.email = $1`,
      [email.trim().toLowerCase()],
    );
    const row = rows[0];
    return row ? { user: entityFromRow(this.db.manager, User, row), subscription: subscriptionOf(row) } : null;
  }

  /** `u.<column>` for each field of the account's view (the users table's metadata names them), made once. */
  private accountColumns?: string;

  private async read(userId: string, sessionId: string): Promise<AccessState | null> {
    this.accountColumns ??= ACCOUNT_FIELDS.map((f) => `u.${this.db.getMetadata(User).findColumnWithPropertyName(f)!.databaseName}`).join(
      ', ',
    );
    const rows = await this.db.query<
      Array<
        Record<string, unknown> &
          SubscriptionColumns & {
            disabled: boolean;
            token_version: number;
            session_tv: number | null;
            session_expires_at: Date | null;
            session_last_used_at: Date | null;
            session_end_reason: SessionEndReason | null;
          }
      >
    >(
      `SELECT ${this.accountColumns}, u.disabled_at IS NOT NULL AS disabled, u.token_version,
              se.token_version AS session_tv, se.expires_at AS session_expires_at, se.last_used_at AS session_last_used_at,
              se.end_reason AS session_end_reason, ${SUBSCRIPTION_COLUMNS}
         FROM users u
         LEFT JOIN sessions se ON se.id = $2 AND se.user_id = u.id
         ${NEWEST_SUBSCRIPTION}
        WHERE u.id = $1`,
      [userId, sessionId],
    );
    const row = rows[0];
    if (!row) return null;
    const account = accountViewOf(entityFromRow(this.db.manager, User, row));
    return {
      id: account.id,
      role: account.role,
      emailVerified: account.emailVerifiedAt !== null,
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
      subscription: subscriptionOf(row),
      account,
    };
  }
}

/** The account's newest subscription row, joined as `s` (read-only: the subscriptions module writes it). */
const NEWEST_SUBSCRIPTION = `LEFT JOIN LATERAL (
           SELECT plan, status, current_period_end FROM subscriptions
            WHERE user_id = u.id ORDER BY created_at DESC, id DESC LIMIT 1
         ) s ON true`;
const SUBSCRIPTION_COLUMNS = 's.plan AS s_plan, s.status AS s_status, s.current_period_end AS s_end';
interface SubscriptionColumns {
  s_plan: PlanId | null;
  s_status: SubscriptionStatus | null;
  s_end: Date | null;
}

function subscriptionOf(row: SubscriptionColumns): SubscriptionState | null {
  return row.s_plan && row.s_status && row.s_end ? { plan: row.s_plan, status: row.s_status, currentPeriodEnd: new Date(row.s_end) } : null;
}
