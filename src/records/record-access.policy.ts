import { Injectable } from '@nestjs/common';
import { AccessScope, SqlOwnershipPolicy } from '../access/ownership-policy';
import type { Principal } from '../auth/principal';

/**
 * A record belongs to the doctor of the patient it is filed under (as the JSON API's
 * `/patients/:id/records` decides); with `orPatient`, also to that patient's portal account. Records
 * of archived patients are kept but gone from the API.
 */
@Injectable()
export class RecordAccessPolicy extends SqlOwnershipPolicy {
  readonly resource = 'record';
  readonly label = 'Record';
  protected readonly allowedSql = `SELECT r.id, coalesce(p.doctor_id = $2 OR ($3 AND p.user_id = $2), false) AS allowed
    FROM records r JOIN patients p ON p.id = r.patient_id AND p.deleted_at IS NULL
    WHERE r.id = ANY($1::uuid[])`;

  /** For queries on `records r` joined with `patients p`. */
  scope(principal: Principal, orPatient: boolean): AccessScope {
    return {
      where: orPatient ? '(p.doctor_id = :accessPrincipal OR p.user_id = :accessPrincipal)' : 'p.doctor_id = :accessPrincipal',
      params: { accessPrincipal: principal.id },
    };
  }
}
