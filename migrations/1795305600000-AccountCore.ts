import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, one-time tokens (verification, reset, invitations) and the logout denylist. */
export class AccountCore1795305600000 implements MigrationInterface {
  name = 'AccountCore1795305600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL,
        title text,
        first_name text NOT NULL,
        last_name text NOT NULL,
        specialty text,
        ehr_system_type text,
        ehr_system_name text,
        email_verified_at timestamptz,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_users PRIMARY KEY (id),
        CONSTRAINT uq_users_email UNIQUE (email),
        CONSTRAINT ck_users_email_lower CHECK (email = lower(email)),
        CONSTRAINT ck_users_role CHECK (role IN ('doctor', 'patient', 'admin'))
      )`);
    await q.query(`CREATE INDEX ix_users_role ON users (role)`);
    await q.query(`
      CREATE TABLE one_time_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        purpose text NOT NULL,
        token_hash bytea NOT NULL,
        user_id uuid,
        payload jsonb,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_one_time_tokens PRIMARY KEY (id),
        CONSTRAINT uq_one_time_tokens_hash UNIQUE (token_hash),
        CONSTRAINT fk_one_time_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_one_time_tokens_purpose CHECK (purpose IN ('email_verification', 'password_reset', 'invitation'))
      )`);
    await q.query(`CREATE INDEX ix_one_time_tokens_user_purpose ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL`);
    await q.query(`
      CREATE TABLE revoked_tokens (
        jti uuid NOT NULL,
        user_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT pk_revoked_tokens PRIMARY KEY (jti),
        CONSTRAINT fk_revoked_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_revoked_tokens_expires_at ON revoked_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE revoked_tokens`);
    await q.query(`DROP TABLE one_time_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
