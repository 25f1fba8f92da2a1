import { Injectable } from '@nestjs/common';
import { AccessScope, SqlOwnershipPolicy } from '../access/ownership-policy';
import type { Principal } from '../auth/principal';

/**
 * Who may see a doctor's professional profile (the FHIR Practitioner): the doctor themself, and with
 * `orPatient` the portal account of one of their (not archived) patients. Only doctor accounts exist
 * as this resource; any other id is not found. It lives here because the relation is the patients table.
 */
@Injectable()
export class DoctorAccessPolicy extends SqlOwnershipPolicy {
  readonly resource = 'doctor';
  readonly label = 'Practitioner';
  protected readonly allowedSql = `SELECT u.id, (u.id = $2 OR ($3 AND EXISTS (
      SELECT 1 FROM patients p WHERE p.doctor_id = u.id AND p.user_id = $2 AND p.deleted_at IS NULL))) AS allowed
    FROM users u WHERE u.id = ANY($1::uuid[]) AND u.role = 'doctor'`;

  /** For queries on `users u`. */
  scope(principal: Principal, orPatient: boolean): AccessScope {
    return {
      where: orPatient
        ? `(u.id = :accessPrincipal OR EXISTS (SELECT 1 FROM patients ap WHERE ap.doctor_id = u.id AND ap.user_id = :accessPrincipal AND ap.deleted_at IS NULL))`
        : 'u.id = :accessPrincipal',
      params: { accessPrincipal: principal.id },
    };
  }
}
