import { Injectable } from '@nestjs/common';
import { AccessScope, SqlOwnershipPolicy } from '../access/ownership-policy';
import type { Principal } from '../auth/principal';

/** A session belongs to its account. An ended or expired session is gone (404). */
@Injectable()
export class SessionAccessPolicy extends SqlOwnershipPolicy {
  readonly resource = 'session';
  readonly label = 'Session';
  // $3 (orPatient) means nothing for a session; it is named so that every parameter has a type
  protected readonly allowedSql = `SELECT id, user_id = $2 AS allowed
    FROM sessions WHERE id = ANY($1::uuid[]) AND ended_at IS NULL AND expires_at > now() AND $3::boolean IS NOT NULL`;

  /** For queries on `sessions s`. */
  scope(principal: Principal): AccessScope {
    return { where: 's.user_id = :accessPrincipal', params: { accessPrincipal: principal.id } };
  }
}
