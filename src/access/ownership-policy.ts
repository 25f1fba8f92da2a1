import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { AccessService } from './access.service';
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

/**
 * The usual policy: one SQL statement that returns `(id, allowed)` for the ids that exist, with
 * `$1` the ids (uuid[]), `$2` the principal's id and `$3` whether the patient a row is about is admitted.
 * A subclass names the resource, writes that statement and the list filter; registration is done here.
 */
@Injectable()
export abstract class SqlOwnershipPolicy implements OwnershipPolicy, OnModuleInit {
  abstract readonly resource: OwnedResource;
  abstract readonly label: string;
  protected abstract readonly allowedSql: string;
  abstract scope(principal: Principal, orPatient: boolean): AccessScope;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    this.access.register(this);
  }

  async allowed(principal: Principal, ids: string[], orPatient: boolean): Promise<Map<string, boolean>> {
    const rows = await this.db.query<Array<{ id: string; allowed: boolean }>>(this.allowedSql, [ids, principal.id, orPatient]);
    return new Map(rows.map((r) => [r.id, r.allowed]));
  }
}
