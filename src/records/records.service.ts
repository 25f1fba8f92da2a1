import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/decorators';
import { insertOne } from '../common/insert-one';
import { pageOf, PaginationQueryDto } from '../common/pagination.dto';
import { PatientsService } from '../patients/patients.service';
import { CreateRecordDto } from './dto/records.dto';
import { MedicalRecord } from './record.entity';

@Injectable()
export class RecordsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

  /** The owning doctor writes (admin too); the audit event names the record, never its text. */
  async create(user: Principal, patientId: string, dto: CreateRecordDto): Promise<MedicalRecord> {
    const patient = await this.patients.getOwned(user, patientId);
    const record = await insertOne(this.db.manager, MedicalRecord, {
      patientId: patient.id,
      authorId: user.id,
      type: dto.type,
      content: dto.content,
    });
    await this.audit.record({
      action: 'record.created',
      actorId: user.id,
      targetId: record.id,
      targetType: 'record',
      details: { patientId: patient.id, type: dto.type },
    });
    return record;
  }

  /** The owning doctor, admin, or the patient's own portal account; newest first. */
  async listForPatient(user: Principal, patientId: string, query: PaginationQueryDto) {
    const patient = await this.patients.getReadable(user, patientId);
    return this.page(patient.id, query);
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
