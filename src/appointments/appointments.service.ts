import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/decorators';
import { AppException } from '../common/errors';
import { insertOne } from '../common/insert-one';
import { requireOwner } from '../common/ownership';
import { pageOf, whereInRange } from '../common/pagination.dto';
import { PatientsService } from '../patients/patients.service';
import { Appointment } from './appointment.entity';
import { AppointmentQueryDto, CreateAppointmentDto, UpdateAppointmentDto } from './dto/appointments.dto';

const endsAfterStarts = (startsAt: Date, endsAt: Date) => {
  if (endsAt.getTime() <= startsAt.getTime())
    throw AppException.validation([{ field: 'endsAt', message: 'endsAt must be after startsAt' }]);
};

@Injectable()
export class AppointmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
    const patient = await this.patients.getOwned(user, dto.patientId);
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
          action: 'appointment.created',
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
    if (user.role === 'doctor') qb.andWhere('a.doctor_id = :me', { me: user.id });
    else if (user.role === 'patient') qb.andWhere('p.user_id = :me', { me: user.id });
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.patientId) qb.andWhere('a.patient_id = :patientId', { patientId: query.patientId });
    whereInRange(qb, 'a.starts_at', query);
    const [rows, total] = await qb.orderBy('a.starts_at', 'ASC').addOrderBy('a.id', 'ASC').skip(offset).take(limit).getManyAndCount();
    return { rows, total, page, limit };
  }

  /** For the owning doctor, admin, or (reading) the patient it is for. */
  async getReadable(user: Principal, id: string): Promise<Appointment> {
    const row = await this.query().addSelect('p.user_id', 'patient_user_id').where('a.id = :id', { id }).getRawAndEntities();
    const appointment = row.entities[0];
    const patientUserId = (row.raw[0] as { patient_user_id?: string | null } | undefined)?.patient_user_id;
    return requireOwner(appointment, user, 'Appointment', !!appointment && user.role === 'patient' && patientUserId === user.id);
  }

  async getOwned(user: Principal, id: string): Promise<Appointment> {
    return requireOwner(await this.query().where('a.id = :id', { id }).getOne(), user, 'Appointment');
  }

  async update(user: Principal, id: string, dto: UpdateAppointmentDto): Promise<Appointment> {
    const current = await this.getOwned(user, id);
    const startsAt = dto.startsAt ? new Date(dto.startsAt) : current.startsAt;
    const endsAt = dto.endsAt ? new Date(dto.endsAt) : current.endsAt;
    endsAfterStarts(startsAt, endsAt);
    const changes: Partial<Appointment> = {};
    if (dto.startsAt) changes.startsAt = startsAt;
    if (dto.endsAt) changes.endsAt = endsAt;
    if (dto.reason !== undefined) changes.reason = dto.reason;
    if (dto.status !== undefined) changes.status = dto.status;
    if (Object.keys(changes).length > 0) {
      await this.db.getRepository(Appointment).update({ id }, changes);
      await this.audit.record({
        action: 'appointment.updated',
        actorId: user.id,
        targetId: id,
        targetType: 'appointment',
        details: { fields: Object.keys(changes), status: dto.status },
      });
    }
    return this.db.getRepository(Appointment).findOneByOrFail({ id });
  }
}
