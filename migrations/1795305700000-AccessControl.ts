import { MigrationInterface, QueryRunner } from 'typeorm';

/** Disabled accounts, subscription history and the append-only audit trail. */
export class AccessControl1795305700000 implements MigrationInterface {
  name = 'AccessControl1795305700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
    await q.query(`
      CREATE TABLE subscriptions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        plan text NOT NULL,
        status text NOT NULL,
        current_period_end timestamptz NOT NULL,
        is_trial boolean NOT NULL DEFAULT false,
        changed_by uuid,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_subscriptions PRIMARY KEY (id),
        CONSTRAINT fk_subscriptions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_subscriptions_plan CHECK (plan IN ('basic', 'professional', 'enterprise')),
        CONSTRAINT ck_subscriptions_status CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'expired'))
      )`);
    await q.query(`CREATE INDEX ix_subscriptions_user_created ON subscriptions (user_id, created_at)`);
    await q.query(`CREATE UNIQUE INDEX uq_subscriptions_trial ON subscriptions (user_id) WHERE is_trial`);
    await q.query(`
      CREATE TABLE audit_events (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        action text NOT NULL,
        actor_id uuid,
        target_id uuid,
        target_type text,
        ip text,
        user_agent text,
        request_id text,
        details jsonb,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_audit_events PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX ix_audit_events_created ON audit_events (created_at)`);
    await q.query(`CREATE INDEX ix_audit_events_actor ON audit_events (actor_id)`);
    await q.query(`CREATE INDEX ix_audit_events_target ON audit_events (target_id)`);
    await q.query(`CREATE INDEX ix_audit_events_action ON audit_events (action)`);
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END $$`);
    await q.query(
      `CREATE TRIGGER trg_audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER trg_audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
    await q.query(`DROP TABLE subscriptions`);
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at`);
  }
}
