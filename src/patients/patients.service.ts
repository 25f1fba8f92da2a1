import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../access/access.service';
import type { Principal } from '../auth/principal';
import { AppException } from '../common/errors';
import { insertOne } from '../common/insert-one';
import { likeEscape, pageOf } from '../common/pagination.dto';
import { UsersService } from '../users/users.service';
import { CreatePatientDto, PatientQueryDto, UpdatePatientDto } from './dto/patients.dto';
import { Patient } from './patient.entity';
import { PatientsAudit } from './patients.audit';

/** A search over the patients the caller may see (the FHIR Patient search); every criterion given must hold. */
export interface PatientSearch {
  /** Each entry must hold: that part of the name (or either part) starts with one of the values, ignoring case. */
  names?: Array<{ part: 'family' | 'given' | 'any'; startsWith: string[] }>;
  /** Born in [from, to): calendar dates, YYYY-MM-DD. */
  birthDate?: { from?: string; to?: string };
  /** One of these ids. */
  ids?: string[];
  offset: number;
  limit: number;
}

const NAME_COLUMNS = { family: ['p.last_name'], given: ['p.first_name'], any: ['p.last_name', 'p.first_name'] } as const;

@Injectable()
export class PatientsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  private repo() {
    return this.db.getRepository(Patient);
  }

  private find(id: string): Promise<Patient | null> {
    return this.repo().createQueryBuilder('p').where('p.id = :id AND p.deleted_at IS NULL', { id }).getOne();
  }

  /** A patient that is not archived; whether the caller may see it was decided by the route's `owns` rule. */
  async get(id: string): Promise<Patient> {
    const patient = await this.find(id);
    if (!patient) throw new AppException('NOT_FOUND', 'Patient not found');
    return patient;
  }

  /** The patient row linked to a portal account, if any. */
  findByAccount(userId: string): Promise<Patient | null> {
    return this.repo().createQueryBuilder('p').where('p.user_id = :userId AND p.deleted_at IS NULL', { userId }).getOne();
  }

  async create(user: Principal, dto: CreatePatientDto): Promise<Patient> {
    return this.db.transaction(async (manager) => {
      const patient = await insertOne(manager, Patient, {
        doctorId: user.id,
        userId: null,
        firstName: dto.firstName,
        lastName: dto.lastName,
        dateOfBirth: dto.dateOfBirth,
        email: dto.email ?? null,
        phone: dto.phone ?? null,
        deletedAt: null,
      });
      await this.audit.record({ action: PatientsAudit.created, actorId: user.id, targetId: patient.id, targetType: 'patient' }, manager);
      return patient;
    });
  }

  /** Only the caller's own patients (all of them for admin), filtered in SQL. */
  async list(user: Principal, query: PatientQueryDto): Promise<{ rows: Patient[]; total: number; page: number; limit: number }> {
    const { page, limit, offset } = pageOf(query);
    const qb = this.repo().createQueryBuilder('p').where('p.deleted_at IS NULL');
    const scope = this.access.scope(user, 'patient');
    if (scope) qb.andWhere(scope.where, scope.params);
    if (query.q) {
      qb.andWhere(`(p.first_name ILIKE :q OR p.last_name ILIKE :q OR (p.first_name || ' ' || p.last_name) ILIKE :q)`, {
        q: `%${likeEscape(query.q)}%`,
      });
    }
    const [rows, total] = await qb
      .orderBy('p.last_name', 'ASC')
      .addOrderBy('p.first_name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .skip(offset)
      .take(limit)
      .getManyAndCount();
    return { rows, total, page, limit };
  }

  /**
   * The patients the caller may see (their own; a patient account: itself; admin: all) that match the
   * search, filtered and counted in SQL; by family name, given name, id.
   */
  async search(user: Principal, search: PatientSearch): Promise<{ rows: Patient[]; total: number }> {
    const qb = this.repo().createQueryBuilder('p').where('p.deleted_at IS NULL');
    const scope = this.access.scope(user, 'patient', true);
    if (scope) qb.andWhere(scope.where, scope.params);
    (search.names ?? []).forEach((name, i) => {
      const params: Record<string, string> = {};
      const alternatives = name.startsWith.flatMap((value, j) => {
        params[`name${i}_${j}`] = `${likeEscape(value)}%`;
        return NAME_COLUMNS[name.part].map((column) => `${column} ILIKE :name${i}_${j}`);
      });
      qb.andWhere(alternatives.length ? `(${alternatives.join(' OR ')})` : 'false', params);
    });
    if (search.birthDate?.from) qb.andWhere('p.date_of_birth >= :bornFrom', { bornFrom: search.birthDate.from });
    if (search.birthDate?.to) qb.andWhere('p.date_of_birth < :bornTo', { bornTo: search.birthDate.to });
    if (search.ids) qb.andWhere('p.id = ANY(CAST(:ids AS uuid[]))', { ids: search.ids });
    const [rows, total] = await qb
      .orderBy('p.last_name', 'ASC')
      .addOrderBy('p.first_name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .skip(search.offset)
      .take(search.limit)
      .getManyAndCount();
    return { rows, total };
  }

  /** How many patients the caller may see (admin: all), for the analytics. */
  count(user: Principal): Promise<number> {
    const qb = this.repo().createQueryBuilder('p').where('p.deleted_at IS NULL');
    const scope = this.access.scope(user, 'patient');
    if (scope) qb.andWhere(scope.where, scope.params);
    return qb.getCount();
  }

  async update(user: Principal, id: string, dto: UpdatePatientDto): Promise<Patient> {
    const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<Patient>;
    if (Object.keys(changes).length > 0) {
      await this.db.transaction(async (manager) => {
        const { affected } = await manager.update(Patient, { id, deletedAt: IsNull() }, changes);
        if (!affected) throw new AppException('NOT_FOUND', 'Patient not found');
        const details = { fields: Object.keys(changes) };
        await this.audit.record({ action: PatientsAudit.updated, actorId: user.id, targetId: id, targetType: 'patient', details }, manager);
      });
    }
    return this.get(id);
  }

  /**
   * Archives the patient: it disappears from every list and route, while its appointments and
   * records are kept (medical records must be retained). Its portal account, if any, is disabled.
   */
  async remove(user: Principal, id: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      // the portal account as it is at the archive itself (an invitation may have just been accepted)
      const rows = await manager.query<[Array<{ user_id: string | null }>, number]>(
        `UPDATE patients SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING user_id`,
        [id],
      );
      if (!rows[0]?.[0]) throw new AppException('NOT_FOUND', 'Patient not found');
      const userId = rows[0][0].user_id;
      if (userId) await this.users.disable(userId, manager);
      await this.audit.record({ action: PatientsAudit.deleted, actorId: user.id, targetId: id, targetType: 'patient' }, manager);
    });
  }

  /**
   * Locks the patient row for linking a portal account (invitation acceptance): null when it is
   * archived or already has an account.
   */
  async lockForPortalAccount(id: string, manager: EntityManager): Promise<Pick<Patient, 'firstName' | 'lastName'> | null> {
    const rows = await manager.query<Array<{ first_name: string; last_name: string; user_id: string | null }>>(
      `SELECT first_name, last_name, user_id FROM patients WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
      [id],
    );
    return rows[0] && !rows[0].user_id ? { firstName: rows[0].first_name, lastName: rows[0].last_name } : null;
  }

  /** Links the portal account, in the caller's transaction (after lockForPortalAccount). */
  async linkPortalAccount(id: string, userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE patients SET user_id = $2, updated_at = now() WHERE id = $1`, [id, userId]);
  }
}
