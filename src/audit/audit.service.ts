import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { likeEscape, pageOf, whereInRange } from '../common/pagination.dto';
import { requestContext } from '../common/request-context';
import { AuditEvent } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit.dto';

/**
 * An action is `area.verb`, e.g. `patient.created`. Each module declares the actions it records in its
 * own `*.audit.ts` (e.g. PatientsAudit); this module knows none of them.
 */
export type AuditAction = `${string}.${string}` | 'logout';

export interface AuditEntry {
  action: AuditAction;
  actorId?: string | null;
  targetId?: string | null;
  targetType?: 'user' | 'subscription' | 'patient' | 'appointment' | 'record' | (string & {});
  /** Non-secret facts only: never a password, token or hash. */
  details?: Record<string, unknown>;
}

const SECRET_KEYS = /pass|token|hash|secret|authorization/i;

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Appends an event (or several, in one statement) with the request's IP, user agent and id. Inside a caller's transaction when
   * given its manager (the event and the change commit together); otherwise a failure to write the
   * event is logged and does not undo what already happened.
   */
  async record(entry: AuditEntry | AuditEntry[], manager?: EntityManager): Promise<void> {
    const entries = Array.isArray(entry) ? entry : [entry];
    if (entries.length === 0) return;
    const { sql, params } = this.insertStatement(entries);
    if (manager) {
      await manager.query(sql, params);
      return;
    }
    try {
      await this.db.query(sql, params);
    } catch (error) {
      const actions = entries.map((e) => e.action).join(', ');
      this.logger.error(`could not record ${actions}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The INSERT of these events (with the request's IP, user agent and id), its parameters numbered
   * from `$firstParam`: for a caller that writes its change and the events in one statement (a `WITH`
   * of data-modifying parts, as a login does), so that they commit together in one round trip.
   */
  insertStatement(entries: AuditEntry[], firstParam = 1): { sql: string; params: unknown[] } {
    const rows = entries.map((e) => this.rowOf(e));
    // the events of one statement keep their order in the trail (newest first): a microsecond apart
    const values = rows
      .map(
        (_, i) =>
          `(${Array.from({ length: 8 }, (__, j) => `$${firstParam + i * 8 + j}`).join(', ')}, clock_timestamp() + interval '${i} microseconds')`,
      )
      .join(', ');
    const params = rows.flatMap((r) => [
      r.action,
      r.actorId,
      r.targetId,
      r.targetType,
      r.ip,
      r.userAgent,
      r.requestId,
      r.details === null ? null : JSON.stringify(r.details as Record<string, unknown>),
    ]);
    return {
      sql: `INSERT INTO audit_events (action, actor_id, target_id, target_type, ip, user_agent, request_id, details, created_at) VALUES ${values}`,
      params,
    };
  }

  /**
   * Records an event that callers can repeat at will (a 403 denial, a forgot-password request) without
   * letting them flood the trail: repeats of the same action by the same principal (the actor, else the
   * client IP) on the same `route` within one minute (clock-aligned windows) are one event whose `count`
   * grows. The event is appended once per window (audit_events stays append-only); the count lives in
   * audit_event_counts, upserted atomically, so it holds across instances. Never throws: a failure to
   * audit is logged and the request goes on.
   */
  async recordCoalesced(entry: AuditEntry, route: string): Promise<void> {
    const ctx = requestContext.getStore();
    const principal = entry.actorId ?? `ip:${ctx?.ip ?? 'unknown'}`;
    const key = `${entry.action}|${principal}|${route}|${Math.floor(Date.now() / 60_000)}`;
    const eventId = randomUUID();
    try {
      const [row] = await this.db.query<Array<{ event_id: string }>>(
        `INSERT INTO audit_event_counts (coalesce_key, event_id) VALUES ($1, $2)
         ON CONFLICT (coalesce_key) DO UPDATE SET count = audit_event_counts.count + 1, last_at = now()
         RETURNING event_id`,
        [key.slice(0, 1000), eventId],
      );
      if (row?.event_id !== eventId) return; // a repeat: counted
      await this.db.manager.insert(AuditEvent, this.rowOf({ ...entry, details: { ...entry.details, route } }, eventId));
    } catch (error) {
      this.logger.error(`could not record ${entry.action}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The row of an event, with the request's IP, user agent and id, and no secret-looking detail. */
  private rowOf(entry: AuditEntry, id?: string) {
    const ctx = requestContext.getStore();
    const details = entry.details ? Object.fromEntries(Object.entries(entry.details).filter(([k]) => !SECRET_KEYS.test(k))) : null;
    return {
      ...(id ? { id } : {}),
      action: entry.action,
      actorId: entry.actorId ?? null,
      targetId: entry.targetId ?? null,
      targetType: entry.targetType ?? (entry.targetId ? 'user' : null),
      ip: ctx?.ip ?? null,
      userAgent: ctx?.userAgent?.slice(0, 512) ?? null,
      requestId: ctx?.requestId ?? null,
      details: details as never,
    };
  }

  /** How many times each of these events happened (1 unless coalesced). */
  async counts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<Array<{ event_id: string; count: number }>>(
      `SELECT event_id, count FROM audit_event_counts WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.event_id, Number(r.count)]));
  }

  async list(query: AuditQueryDto): Promise<{ rows: AuditEvent[]; total: number; page: number; limit: number }> {
    const { page, limit, offset } = pageOf(query);
    const qb = this.db.getRepository(AuditEvent).createQueryBuilder('e');
    if (query.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: query.actorId });
    if (query.targetId) qb.andWhere('e.target_id = :targetId', { targetId: query.targetId });
    if (query.action) qb.andWhere(`e.action LIKE :action ESCAPE '\\'`, { action: `${likeEscape(query.action)}%` });
    whereInRange(qb, 'e.created_at', query);
    const [rows, total] = await qb.orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').skip(offset).take(limit).getManyAndCount();
    return { rows, total, page, limit };
  }
}
