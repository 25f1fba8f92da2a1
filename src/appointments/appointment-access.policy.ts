import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import type { AccessScope, OwnershipPolicy } from '../access/ownership-policy';
import type { Principal } from '../auth/principal';

/**
 * An appointment belongs to its doctor; with `orPatient`, also to the patient it is for (their portal
 * account). Appointments of archived patients are kept but gone from the API.
 */
@Injectable()
export class AppointmentAccessPolicy implements OwnershipPolicy, OnModuleInit {
  readonly resource = 'appointment';
  readonly label = 'Appointment';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    this.access.register(this);
  }

  async allowed(principal: Principal, ids: string[], orPatient: boolean): Promise<Map<string, boolean>> {
    const rows = await this.db.query<Array<{ id: string; allowed: boolean }>>(
      `SELECT a.id, coalesce(a.doctor_id = $2 OR ($3 AND p.user_id = $2), false) AS allowed
         FROM appointments a JOIN patients p ON p.id = a.patient_id AND p.deleted_at IS NULL
        WHERE a.id = ANY($1::uuid[])`,
      [ids, principal.id, orPatient],
    );
    return new Map(rows.map((r) => [r.id, r.allowed]));
  }

  /** For queries on `appointments a` joined with `patients p`. */
  scope(principal: Principal, orPatient: boolean): AccessScope {
    return {
      where: orPatient ? '(a.doctor_id = :accessPrincipal OR p.user_id = :accessPrincipal)' : 'a.doctor_id = :accessPrincipal',
      params: { accessPrincipal: principal.id },
    };
  }
}
