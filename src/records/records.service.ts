import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { insertOne } from '../common/insert-one';
import { pageOf, PaginationQueryDto } from '../common/pagination.dto';
import { PatientsService } from '../patients/patients.service';
import { CreateRecordDto } from './dto/records.dto';
import { AccessService } from '../access/access.service';
import { AppException } from '../common/errors';
import { MedicalRecord, RecordType } from './record.entity';
import { RecordsAudit } from './records.audit';

/** A search over the records the caller may see (the FHIR DocumentReference search); every criterion given must hold. */
export interface RecordSearch {
  /** Filed under one of these patients. */
  patientIds?: string[];
  /** Of one of these types. */
  types?: RecordType[];
  /** A page; without it, every match. */
  page?: { offset: number; limit: number };
}

@Injectable()
export class RecordsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  /** Records of archived patients are kept but no longer reachable. */
  private query() {
    return this.db
      .getRepository(MedicalRecord)
      .createQueryBuilder('r')
      .innerJoin('patients', 'p', 'p.id = r.patient_id AND p.deleted_at IS NULL');
  }

  /** A record of a patient that is not archived; who may see it was decided by the route's `owns` rule. */
  async get(id: string): Promise<MedicalRecord> {
    const record = await this.query().where('r.id = :id', { id }).getOne();
    if (!record) throw new AppException('NOT_FOUND', 'Record not found');
    return record;
  }

  /**
   * The records the caller may see (those of a doctor's patients, a patient's own, admin all) that
   * match the search, filtered and counted in SQL; newest first.
   */
  async search(user: Principal, search: RecordSearch): Promise<{ rows: MedicalRecord[]; total: number }> {
    const qb = this.query();
    const scope = this.access.scope(user, 'record', true);
    if (scope) qb.andWhere(scope.where, scope.params);
    if (search.patientIds) qb.andWhere('r.patient_id = ANY(CAST(:patientIds AS uuid[]))', { patientIds: search.patientIds });
    if (search.types) qb.andWhere('r.type = ANY(CAST(:types AS text[]))', { types: search.types });
    qb.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC');
    if (!search.page) {
      const rows = await qb.getMany();
      return { rows, total: rows.length };
    }
    const [rows, total] = await qb.skip(search.page.offset).take(search.page.limit).getManyAndCount();
    return { rows, total };
  }

  /** Adds a record to a patient's file (the route's `owns` rule has checked the patient); the audit event names the record, never its text. */
  async create(user: Principal, patientId: string, dto: CreateRecordDto): Promise<MedicalRecord> {
    return this.db.transaction(async (manager) => {
      const record = await insertOne(manager, MedicalRecord, { patientId, authorId: user.id, type: dto.type, content: dto.content });
      const details = { patientId, type: dto.type };
      await this.audit.record(
        { action: RecordsAudit.created, actorId: user.id, targetId: record.id, targetType: 'record', details },
        manager,
      );
      return record;
    });
  }

  /** A patient's records, newest first (the route's `owns` rule has checked the patient). */
  listForPatient(patientId: string, query: PaginationQueryDto) {
    return this.page(patientId, query);
  }

  /** GET /api/me/records: the caller's own records (none when no patient is linked). */
  async listMine(user: Principal, query: PaginationQueryDto) {
    const patient = await this.patients.findByAccount(user.id);
    if (!patient) return { rows: [] as MedicalRecord[], total: 0, ...pageOf(query) };
    return this.page(patient.id, query);
  }

  /** The newest records of a patient, for the AI note drafting. */
  latest(patientId: string, count: number): Promise<MedicalRecord[]> {
    return this.db.getRepository(MedicalRecord).find({ where: { patientId }, order: { createdAt: 'DESC', id: 'DESC' }, take: count });
  }

  private async page(patientId: string, query: PaginationQueryDto) {
    const { page, limit, offset } = pageOf(query);
    const [rows, total] = await this.db
      .getRepository(MedicalRecord)
      .findAndCount({ where: { patientId }, order: { createdAt: 'DESC', id: 'DESC' }, skip: offset, take: limit });
    return { rows, total, page, limit };
  }
}
