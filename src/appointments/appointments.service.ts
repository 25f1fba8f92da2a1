import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../access/access.service';
import type { Principal } from '../auth/principal';
import { AppException } from '../common/errors';
import { insertOne } from '../common/insert-one';
import { pageOf, whereInRange } from '../common/pagination.dto';
import { PatientsService } from '../patients/patients.service';
import { Appointment, AppointmentStatus } from './appointment.entity';
import { AppointmentQueryDto, CreateAppointmentDto, UpdateAppointmentDto } from './dto/appointments.dto';
import { AppointmentsAudit } from './appointments.audit';

/** An appointment is one sitting: it ends after it starts and lasts less than a day (see CreateAppointmentDto). */
export const MAX_APPOINTMENT_MS = 24 * 60 * 60 * 1000;

const endsAfterStarts = (startsAt: Date, endsAt: Date) => {
  if (endsAt.getTime() <= startsAt.getTime())
    throw AppException.validation([{ field: 'endsAt', message: 'endsAt must be after startsAt' }]);
  if (endsAt.getTime() - startsAt.getTime() >= MAX_APPOINTMENT_MS)
    throw AppException.validation([{ field: 'endsAt', message: 'endsAt must be less than 24 hours after startsAt' }]);
};

/** A search over the appointments the caller may see (the FHIR Appointment search); every criterion given must hold. */
export interface AppointmentSearch {
  /** For one of these patients. */
  patientIds?: string[];
  /** In one of these statuses. */
  statuses?: AppointmentStatus[];
  /** Starting in [from, to). */
  startsAt?: { from?: Date; to?: Date };
  /** A page; without it, every match. */
  page?: { offset: number; limit: number };
}

@Injectable()
export class AppointmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

  /** Appointments of archived patients are kept but no longer reachable. */
  private query() {
    return this.db
      .getRepository(Appointment)
      .createQueryBuilder('a')
      .innerJoin('patients', 'p', 'p.id = a.patient_id AND p.deleted_at IS NULL');
  }

  async create(user: Principal, dto: CreateAppointmentDto): Promise<Appointment> {
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    endsAfterStarts(startsAt, endsAt);
    // the route's `owns` rule has checked that the patient is the caller's
    const patient = await this.patients.get(dto.patientId);
    // the appointment and its audit event commit together
    return this.db.transaction(async (manager) => {
      const appointment = await insertOne(manager, Appointment, {
        doctorId: patient.doctorId,
        patientId: patient.id,
        startsAt,
        endsAt,
        reason: dto.reason,
        status: 'planned',
      });
      await this.audit.record(
        {
          action: AppointmentsAudit.created,
          actorId: user.id,
          targetId: appointment.id,
          targetType: 'appointment',
          details: { patientId: patient.id },
        },
        manager,
      );
      return appointment;
    });
  }

  /** Doctors see their own, patients the ones for them, admin all; filtered in SQL. */
  async list(user: Principal, query: AppointmentQueryDto): Promise<{ rows: Appointment[]; total: number; page: number; limit: number }> {
    const { page, limit, offset } = pageOf(query);
    const qb = this.query();
    const scope = this.access.scope(user, 'appointment', true);
    if (scope) qb.andWhere(scope.where, scope.params);
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.patientId) qb.andWhere('a.patient_id = :patientId', { patientId: query.patientId });
    whereInRange(qb, 'a.starts_at', query);
    const [rows, total] = await qb.orderBy('a.starts_at', 'ASC').addOrderBy('a.id', 'ASC').skip(offset).take(limit).getManyAndCount();
    return { rows, total, page, limit };
  }

  /**
   * The appointments the caller may see (a doctor's own, a patient's, admin all) that match the search,
   * filtered and counted in SQL; by start time.
   */
  async search(user: Principal, search: AppointmentSearch): Promise<{ rows: Appointment[]; total: number }> {
    const qb = this.query();
    const scope = this.access.scope(user, 'appointment', true);
    if (scope) qb.andWhere(scope.where, scope.params);
    if (search.patientIds) qb.andWhere('a.patient_id = ANY(CAST(:patientIds AS uuid[]))', { patientIds: search.patientIds });
    if (search.statuses) qb.andWhere('a.status = ANY(CAST(:statuses AS text[]))', { statuses: search.statuses });
    if (search.startsAt?.from) qb.andWhere('a.starts_at >= :startsFrom', { startsFrom: search.startsAt.from });
    if (search.startsAt?.to) qb.andWhere('a.starts_at < :startsTo', { startsTo: search.startsAt.to });
    qb.orderBy('a.starts_at', 'ASC').addOrderBy('a.id', 'ASC');
    if (!search.page) {
      const rows = await qb.getMany();
      return { rows, total: rows.length };
    }
    const [rows, total] = await qb.skip(search.page.offset).take(search.page.limit).getManyAndCount();
    return { rows, total };
  }

  /**
   * The caller's appointments (admin: all) by status and by month of their start (UTC), for the
   * analytics: the doctor's own, counted in SQL.
   */
  async counts(
    user: Principal,
  ): Promise<{ byStatus: Partial<Record<AppointmentStatus, number>>; byMonth: Array<{ month: string; count: number }> }> {
    const scoped = () => {
      const qb = this.query();
      const scope = this.access.scope(user, 'appointment');
      return scope ? qb.andWhere(scope.where, scope.params) : qb;
    };
    const byStatus = await scoped()
      .select('a.status', 'status')
      .addSelect('count(*)::int', 'n')
      .groupBy('a.status')
      .getRawMany<{ status: AppointmentStatus; n: number }>();
    const byMonth = await scoped()
      .select(`to_char(date_trunc('month', a.starts_at AT TIME ZONE 'UTC'), 'YYYY-MM')`, 'month')
      .addSelect('count(*)::int', 'n')
      .groupBy('1')
      .orderBy('1')
      .getRawMany<{ month: string; n: number }>();
    return {
      byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
      byMonth: byMonth.map((r) => ({ month: r.month, count: r.n })),
    };
  }

  /** An appointment of a patient that is not archived; who may see it was decided by the route's `owns` rule. */
  async get(id: string): Promise<Appointment> {
    const appointment = await this.query().where('a.id = :id', { id }).getOne();
    if (!appointment) throw new AppException('NOT_FOUND', 'Appointment not found');
    return appointment;
  }

  async update(user: Principal, id: string, dto: UpdateAppointmentDto): Promise<Appointment> {
    const current = await this.get(id);
    const startsAt = dto.startsAt ? new Date(dto.startsAt) : current.startsAt;
    const endsAt = dto.endsAt ? new Date(dto.endsAt) : current.endsAt;
    endsAfterStarts(startsAt, endsAt);
    const changes: Partial<Appointment> = {};
    if (dto.startsAt) changes.startsAt = startsAt;
    if (dto.endsAt) changes.endsAt = endsAt;
    if (dto.reason !== undefined) changes.reason = dto.reason;
    if (dto.status !== undefined) changes.status = dto.status;
    if (Object.keys(changes).length > 0) {
      await this.db.transaction(async (manager) => {
        await manager.update(Appointment, { id }, changes);
        const details = { fields: Object.keys(changes), status: dto.status };
        await this.audit.record(
          { action: AppointmentsAudit.updated, actorId: user.id, targetId: id, targetType: 'appointment', details },
          manager,
        );
      });
    }
    return this.db.getRepository(Appointment).findOneByOrFail({ id });
  }
}
