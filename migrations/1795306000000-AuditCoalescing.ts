import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Repeated events (403 denials, forgot-password requests) from one principal on one route within a
 * minute are one audit event with a count, so a caller cannot flood the trail. audit_events stays
 * append-only (its trigger refuses UPDATE): the first occurrence of a window is appended there, and the
 * running count lives in this separate table, one row per coalesced event, keyed by the window
 * (`action|principal|route|minute`). The audit module is its only writer.
 */
export class AuditCoalescing1795306000000 implements MigrationInterface {
  name = 'AuditCoalescing1795306000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_event_counts (
        coalesce_key text NOT NULL,
        event_id uuid NOT NULL,
        count integer NOT NULL DEFAULT 1,
        last_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_audit_event_counts PRIMARY KEY (coalesce_key),
        CONSTRAINT ck_audit_event_counts_count CHECK (count > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_audit_event_counts_event ON audit_event_counts (event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_event_counts`);
  }
}
