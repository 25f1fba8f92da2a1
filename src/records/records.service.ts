import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { insertOne } from '../common/insert-one';
import { pageOf, PaginationQueryDto } from '../common/pagination.dto';
import { PatientsService } from '../patients/patients.service';
import { CreateRecordDto } from './dto/records.dto';
import { MedicalRecord } from './record.entity';
import { RecordsAudit } from './records.audit';

@Injectable()
export class RecordsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

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
