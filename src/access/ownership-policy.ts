import type { Principal } from '../auth/principal';
import type { OwnedResource } from './owns';

/** A list query's WHERE clause limiting rows to the caller's, with its query-builder parameters. */
export interface AccessScope {
  where: string;
  params: Record<string, unknown>;
}

/**
 * How one resource's ownership is decided, written by the module that owns its table (the only
 * module that knows its columns) and registered with the AccessService at start.
 */
export interface OwnershipPolicy {
  readonly resource: OwnedResource;
  /** What a missing id is called in the 404 message, e.g. 'Patient' → "Patient not found". */
  readonly label: string;
  /**
   * One SQL query: every id of `ids` that exists (an archived row does not), mapped to whether the
   * principal may act on it — its owner, or with `orPatient` also the patient it is about.
   */
  allowed(principal: Principal, ids: string[], orPatient: boolean): Promise<Map<string, boolean>>;
  /** The same rule as a list filter, for the table alias the owning module's list queries use. */
  scope(principal: Principal, orPatient: boolean): AccessScope;
}
