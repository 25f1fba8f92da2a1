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
  targetType?: 'user' | 'subscription' | 'patient' | 'appointment' | 'record';
  /** Non-secret facts only: never a password, token or hash. */
  details?: Record<string, unknown>;
}

const SECRET_KEYS = /pass|token|hash|secret|authorization/i;

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Appends an event with the request's IP, user agent and id. Inside a caller's transaction when
   * given its manager (the event and the change commit together); otherwise a failure to write the
   * event is logged and does not undo what already happened.
   */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const ctx = requestContext.getStore();
    const details = entry.details ? Object.fromEntries(Object.entries(entry.details).filter(([k]) => !SECRET_KEYS.test(k))) : null;
    const row = {
      action: entry.action,
      actorId: entry.actorId ?? null,
      targetId: entry.targetId ?? null,
      targetType: entry.targetType ?? (entry.targetId ? 'user' : null),
      ip: ctx?.ip ?? null,
      userAgent: ctx?.userAgent?.slice(0, 512) ?? null,
      requestId: ctx?.requestId ?? null,
      details: details as never,
    };
    if (manager) {
      await manager.insert(AuditEvent, row);
      return;
    }
    try {
      await this.db.manager.insert(AuditEvent, row);
    } catch (error) {
      this.logger.error(`could not record ${entry.action}: ${error instanceof Error ? error.message : String(error)}`);
    }
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
