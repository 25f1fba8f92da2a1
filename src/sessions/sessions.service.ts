import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { AppException } from '../common/errors';
import { currentClient } from '../common/request-context';
import { hashToken, newSecretToken, SECRET_TOKEN_PATTERN } from '../common/secret-token';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { Amr } from '../auth/token.service';
import { MfaDisabled } from '../mfa/mfa.events';
import type { Role } from '../users/user.entity';
import type { SessionEndReason } from './session.entity';
import { SessionsAudit } from './sessions.audit';

/** A session's absolute lifetime (contract: 24 h, or 30 days with `remember`). */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const REMEMBER_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * How long after its rotation a refresh token is still honoured once: two tabs that refresh with the
 * same token at the same moment both succeed (contract: at most 10 s).
 */
export const REFRESH_GRACE_SECONDS = 10;
/** How often an instance sweeps long-expired sessions (on a login). */
const SWEEP_INTERVAL_MS = 60_000;

/** What an access token is issued from: the session and the account as they are now. */
export interface IssuableSession {
  id: string;
  userId: string;
  role: Role;
  tokenVersion: number;
  expiresAt: Date;
  remember: boolean;
  amr: Amr[];
}

export interface SessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** What the per-request check reads of a session (AccessStateService joins it to the account's state). */
export interface SessionState {
  tokenVersion: number;
  expiresAt: Date;
  lastUsedAt: Date;
  endReason: SessionEndReason | null;
}

/** The SQL condition of a live session of the account `u` (for `sessions s`): not ended, not expired, not outlived by a token-version bump. */
const LIVE = `s.ended_at IS NULL AND s.expires_at > now() AND s.token_version >= u.token_version`;

/**
 * Sessions (contract, Sessions v2): one per login, with rotating refresh tokens. Ending a session is
 * announced by the database to every instance (trigger on `sessions`), so its access tokens are
 * refused on the next request everywhere.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');
  /** When this instance last wrote `last_used_at` of a session (ms), so a busy session costs one write a minute, not one per request. */
  private readonly touched = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** Starts a session for a login that passed every check, with its first refresh token. */
  async start(
    user: { id: string; role: Role; tokenVersion: number },
    options: { remember: boolean; amr: Amr[] },
    /** The caller's audit events of this login, recorded in the session's transaction (given the new session's id). */
    alsoRecord?: (sessionId: string) => AuditEntry[],
  ): Promise<{ session: IssuableSession; refreshToken: string; startedAt: number }> {
    const refreshToken = newSecretToken();
    // where the login came from, as the request recorded it (shown in the session list)
    const client = currentClient();
    // whole seconds, like a token's iat and exp: the first token's exp is exactly its iat + 24 h (or 30 days)
    const startedAt = Math.floor(Date.now() / 1000);
    const expiresAt = new Date(startedAt * 1000 + (options.remember ? REMEMBER_SESSION_TTL_MS : SESSION_TTL_MS));
    // the id is made here, so that the session, its refresh token and the audit events (the caller's
    // too: `alsoRecord`) are one statement: they commit together, in one round trip
    const id = randomUUID();
    const params: unknown[] = [
      id,
      user.id,
      expiresAt,
      options.remember,
      user.tokenVersion,
      options.amr,
      client.ip,
      cleanUserAgent(client.userAgent),
      hashToken(refreshToken),
    ];
    const audit = this.audit.insertStatement(
      [
        { action: SessionsAudit.started, actorId: user.id, targetId: user.id, details: { sessionId: id, remember: options.remember } },
        ...(alsoRecord?.(id) ?? []),
      ],
      params.length + 1,
    );
    await this.db.query(
      `WITH session AS (
         INSERT INTO sessions (id, user_id, expires_at, remember, token_version, amr, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
       ), refresh AS (
         INSERT INTO refresh_tokens (token_hash, session_id) SELECT $9, id FROM session
       ), audit AS (
         ${audit.sql}
       )
       SELECT 1`,
      [...params, ...audit.params],
    );
    const session: IssuableSession = {
      id,
      userId: user.id,
      role: user.role,
      tokenVersion: user.tokenVersion,
      expiresAt,
      remember: options.remember,
      amr: options.amr,
    };
    await this.sweep();
    return { session, refreshToken, startedAt };
  }

  /**
   * POST /api/token/refresh: retires the presented token and returns its successor, in one
   * transaction holding the session's row. A retired token presented again is reuse (a stolen copy,
   * or the thief's): the session ends and every access token of it is refused — except once within
   * REFRESH_GRACE_SECONDS of its retirement, when it yields a second successor (two tabs racing).
   */
  async rotate(refreshToken: string): Promise<{ session: IssuableSession; refreshToken: string }> {
    if (!SECRET_TOKEN_PATTERN.test(refreshToken)) throw new AppException('TOKEN_INVALID');
    const hash = hashToken(refreshToken);
    const successor = newSecretToken();
    const outcome = await this.db.transaction(async (manager) => {
      const rows = await manager.query<
        Array<{
          session_id: string;
          retired: boolean;
          in_grace: boolean;
          grace_used: boolean;
          user_id: string;
          expires_at: Date;
          remember: boolean;
          amr: Amr[];
          ended: boolean;
          end_reason: SessionEndReason | null;
          idle: boolean;
          role: Role;
          token_version: number;
          revoked: boolean;
        }>
      >(
        `SELECT rt.session_id, rt.retired_at IS NOT NULL AS retired,
                rt.retired_at > now() - make_interval(secs => $2) AS in_grace, rt.grace_used,
                s.user_id, s.expires_at, s.remember, s.amr, s.ended_at IS NOT NULL AS ended, s.end_reason,
                coalesce(s.last_used_at <= now() - make_interval(secs => $3), false) AS idle,
                u.role, u.token_version, (u.disabled_at IS NOT NULL OR s.token_version < u.token_version) AS revoked
           FROM refresh_tokens rt
           JOIN sessions s ON s.id = rt.session_id
           JOIN users u ON u.id = s.user_id
          WHERE rt.token_hash = $1
            FOR UPDATE OF rt, s`,
        [hash, REFRESH_GRACE_SECONDS, this.idleSeconds],
      );
      const row = rows[0];
      if (!row) return { error: 'TOKEN_INVALID' } as const;
      if (row.ended) return { error: row.end_reason === 'idle' ? 'TOKEN_EXPIRED' : 'TOKEN_REVOKED' } as const;
      if (row.revoked) return { error: 'TOKEN_REVOKED' } as const;
      if (new Date(row.expires_at).getTime() <= Date.now()) return { error: 'TOKEN_EXPIRED' } as const;
      if (row.idle) {
        await this.endIdle(manager, row.session_id, row.user_id);
        return { error: 'TOKEN_EXPIRED' } as const;
      }
      if (row.retired) {
        if (!row.in_grace || row.grace_used) {
          await this.endWhere(manager, 'id = $3', [row.session_id], 'refresh_reused', null);
          await this.audit.record(
            { action: SessionsAudit.refreshReused, targetId: row.user_id, details: { sessionId: row.session_id } },
            manager,
          );
          return { error: 'TOKEN_REVOKED' } as const;
        }
        // the racing twin: its successor already exists, so this one gets a sibling, once
        await manager.query(`UPDATE refresh_tokens SET grace_used = true WHERE token_hash = $1`, [hash]);
      } else {
        await manager.query(`UPDATE refresh_tokens SET retired_at = now() WHERE token_hash = $1`, [hash]);
      }
      await manager.query(`INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [hashToken(successor), row.session_id]);
      await manager.query(`UPDATE sessions SET last_used_at = now() WHERE id = $1`, [row.session_id]);
      this.touched.set(row.session_id, Date.now());
      const session: IssuableSession = {
        id: row.session_id,
        userId: row.user_id,
        role: row.role,
        tokenVersion: row.token_version,
        expiresAt: new Date(row.expires_at),
        remember: row.remember,
        amr: row.amr,
      };
      return { session, error: undefined };
    });
    // a refused token's consequences (the ended session, the audit event) are committed before the answer
    if (outcome.error !== undefined) throw new AppException(outcome.error);
    return { session: outcome.session, refreshToken: successor };
  }

  /**
   * The per-request part of a session's check that the account state cannot answer: the idle timeout.
   * `lastUsedAt` is the database's (maybe from the access cache); this instance's own recent use
   * counts too. Past the timeout the database decides (another instance may have seen a use): the
   * session ends there, or it was used and this request goes on. Records the use, at most once a
   * minute per session and instance.
   */
  async stillActive(sessionId: string, userId: string, lastUsedAt: Date): Promise<boolean> {
    const now = Date.now();
    const lastUse = Math.max(lastUsedAt.getTime(), this.touched.get(sessionId) ?? 0);
    const idle = this.config.sessionIdleTimeoutMs;
    if (idle !== undefined && lastUse + idle <= now) {
      const ended = await this.db.transaction((manager) => this.endIdle(manager, sessionId, userId));
      if (ended) return false;
    }
    if (now - lastUse >= this.touchIntervalMs) {
      if (this.touched.size >= 100_000) this.touched.clear();
      this.touched.set(sessionId, now);
      await this.db.query(`UPDATE sessions SET last_used_at = now() WHERE id = $1 AND ended_at IS NULL`, [sessionId]);
    }
    return true;
  }

  /** The account's live sessions, most recently used first. */
  async list(userId: string): Promise<SessionView[]> {
    const rows = await this.db.query<
      Array<{ id: string; created_at: Date; last_used_at: Date; expires_at: Date; ip: string | null; user_agent: string | null }>
    >(
      `SELECT s.id, s.created_at, s.last_used_at, s.expires_at, s.ip, s.user_agent
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.user_id = $1 AND ${LIVE} ${this.idleSeconds ? `AND s.last_used_at > now() - make_interval(secs => $2)` : ''}
        ORDER BY s.last_used_at DESC, s.id`,
      this.idleSeconds ? [userId, this.idleSeconds] : [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.created_at),
      lastUsedAt: new Date(Math.max(new Date(r.last_used_at).getTime(), this.touched.get(r.id) ?? 0)),
      expiresAt: new Date(r.expires_at),
      ip: r.ip,
      userAgent: r.user_agent,
    }));
  }

  /** Ends one session (the ownership guard has checked the caller may). */
  async end(sessionId: string, reason: SessionEndReason, endedBy: string): Promise<void> {
    await this.db.transaction((manager) => this.endWhere(manager, 'id = $3', [sessionId], reason, endedBy));
  }

  /** Ends every live session of an account, or every one but `except`; returns how many ended. */
  async endAll(userId: string, reason: SessionEndReason, endedBy: string | null, except?: string): Promise<number> {
    return this.db.transaction((manager) =>
      this.endWhere(
        manager,
        'user_id = $3 AND expires_at > now() AND ($4::uuid IS NULL OR id <> $4::uuid)',
        [userId, except ?? null],
        reason,
        endedBy,
      ),
    );
  }

  /** Turning the second factor off ends the user's other sessions; an admin's reset ends them all. */
  @OnEvent(MfaDisabled.event, { suppressErrors: false })
  async onMfaDisabled(event: MfaDisabled): Promise<void> {
    await this.endAll(event.userId, 'mfa_disabled', event.sessionId ? event.userId : null, event.sessionId ?? undefined);
  }

  /**
   * Ends the live sessions `condition` picks (SQL over `sessions`, its parameters from $3) in one
   * UPDATE, and audits each; returns how many ended.
   */
  private async endWhere(
    manager: EntityManager,
    condition: string,
    params: unknown[],
    reason: SessionEndReason,
    endedBy: string | null,
  ): Promise<number> {
    // an UPDATE … RETURNING answers [rows, count]
    const [ended] = await manager.query<[Array<{ id: string; user_id: string }>, number]>(
      `UPDATE sessions SET ended_at = now(), end_reason = $1, ended_by = $2 WHERE ended_at IS NULL AND ${condition} RETURNING id, user_id`,
      [reason, endedBy, ...params],
    );
    for (const { id, user_id } of ended) {
      await this.audit.record(
        { action: SessionsAudit.ended, actorId: endedBy, targetId: user_id, details: { sessionId: id, reason } },
        manager,
      );
    }
    return ended.length;
  }

  /** Ends the session if it really is idle in the database; true when it ended now. */
  private async endIdle(manager: EntityManager, sessionId: string, userId: string): Promise<boolean> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE sessions SET ended_at = now(), end_reason = 'idle'
        WHERE id = $1 AND ended_at IS NULL AND last_used_at <= now() - make_interval(secs => $2) RETURNING id`,
      [sessionId, this.idleSeconds],
    );
    if (rows.length === 0) return false;
    this.touched.delete(sessionId);
    await this.audit.record({ action: SessionsAudit.idleExpired, targetId: userId, details: { sessionId } }, manager);
    return true;
  }

  /** When this instance last swept (see sweep). */
  private lastSweep = 0;

  /**
   * Sessions past their expiry for a week go, with their refresh tokens: a hundred at a time, on a
   * login, at most once a minute per instance (not on every login: a login storm would sweep for nothing).
   */
  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    try {
      await this.db.query(
        `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() - interval '7 days' LIMIT 100)`,
      );
    } catch (error) {
      this.logger.warn(`could not sweep old sessions: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** SESSION_IDLE_TIMEOUT in seconds, or null without one (then no session idles out). */
  private get idleSeconds(): number | null {
    return this.config.sessionIdleTimeoutMs === undefined ? null : this.config.sessionIdleTimeoutMs / 1000;
  }

  /** How stale `last_used_at` may get: a minute, or a tenth of the idle timeout when that is shorter (at least a second). */
  private get touchIntervalMs(): number {
    const idle = this.config.sessionIdleTimeoutMs;
    return idle === undefined ? 60_000 : Math.max(1000, Math.min(60_000, idle / 10));
  }
}

/** A user agent as shown in the session list: printable, at most 256 characters. */
function cleanUserAgent(value: string | null): string | null {
  if (!value) return null;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 256);
  return clean || null;
}
