import { Injectable } from '@nestjs/common';
import { AccessScope, SqlOwnershipPolicy } from '../access/ownership-policy';
import type { Principal } from '../auth/principal';

/** A patient belongs to its doctor; with `orPatient`, also to the patient's own portal account. Archived patients are gone. */
@Injectable()
export class PatientAccessPolicy extends SqlOwnershipPolicy {
  readonly resource = 'patient';
  readonly label = 'Patient';
  protected readonly allowedSql = `SELECT id, coalesce(doctor_id = $2 OR ($3 AND user_id = $2), false) AS allowed
    FROM patients WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`;

  /** For queries on `patients p`. */
  scope(principal: Principal, orPatient: boolean): AccessScope {
    return {
      where: orPatient ? '(p.doctor_id = :accessPrincipal OR p.user_id = :accessPrincipal)' : 'p.doctor_id = :accessPrincipal',
      params: { accessPrincipal: principal.id },
    };
  }
}
