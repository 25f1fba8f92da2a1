import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import type { AccessScope, OwnershipPolicy } from '../access/ownership-policy';
import type { Principal } from '../auth/principal';

/** A patient belongs to its doctor; with `orPatient`, also to the patient's own portal account. Archived patients are gone. */
@Injectable()
export class PatientAccessPolicy implements OwnershipPolicy, OnModuleInit {
  readonly resource = 'patient';
  readonly label = 'Patient';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    this.access.register(this);
  }

  async allowed(principal: Principal, ids: string[], orPatient: boolean): Promise<Map<string, boolean>> {
    const rows = await this.db.query<Array<{ id: string; allowed: boolean }>>(
      `SELECT id, coalesce(doctor_id = $2 OR ($3 AND user_id = $2), false) AS allowed
         FROM patients WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
      [ids, principal.id, orPatient],
    );
    return new Map(rows.map((r) => [r.id, r.allowed]));
  }

  /** For queries on `patients p`. */
  scope(principal: Principal, orPatient: boolean): AccessScope {
    return {
      where: orPatient ? '(p.doctor_id = :accessPrincipal OR p.user_id = :accessPrincipal)' : 'p.doctor_id = :accessPrincipal',
      params: { accessPrincipal: principal.id },
    };
  }
}
