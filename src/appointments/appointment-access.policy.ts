import { Injectable } from '@nestjs/common';
import { AccessScope, SqlOwnershipPolicy } from '../access/ownership-policy';
import type { Principal } from '../auth/principal';

/**
 * An appointment belongs to its doctor; with `orPatient`, also to the patient it is for (their portal
 * account). Appointments of archived patients are kept but gone from the API.
 */
@Injectable()
export class AppointmentAccessPolicy extends SqlOwnershipPolicy {
  readonly resource = 'appointment';
  readonly label = 'Appointment';
  protected readonly allowedSql = `SELECT a.id, coalesce(a.doctor_id = $2 OR ($3 AND p.user_id = $2), false) AS allowed
    FROM appointments a JOIN patients p ON p.id = a.patient_id AND p.deleted_at IS NULL
    WHERE a.id = ANY($1::uuid[])`;

  /** For queries on `appointments a` joined with `patients p`. */
  scope(principal: Principal, orPatient: boolean): AccessScope {
    return {
      where: orPatient ? '(a.doctor_id = :accessPrincipal OR p.user_id = :accessPrincipal)' : 'a.doctor_id = :accessPrincipal',
      params: { accessPrincipal: principal.id },
    };
  }
}
