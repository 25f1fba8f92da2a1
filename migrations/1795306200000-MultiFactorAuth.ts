import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Multi-factor sign-in (contract v2): an account's TOTP secret (encrypted; pending until confirmed),
 * its recovery codes (hashes only), the mfaTokens of logins waiting for a code (hashes only), and
 * `users.mfa_enabled`. Turning MFA on or off is a change to an account's access, so the users trigger
 * now announces `mfa_enabled` too; the mfa_totp table announces its own row changes (a pending secret,
 * a confirmation, a reset) on the same channel.
 */
export class MultiFactorAuth1795306200000 implements MigrationInterface {
  name = 'MultiFactorAuth1795306200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD mfa_enabled boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE mfa_totp (
        user_id uuid NOT NULL,
        secret_ciphertext text NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_mfa_totp PRIMARY KEY (user_id),
        CONSTRAINT fk_mfa_totp_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE mfa_recovery_codes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        user_id uuid NOT NULL,
        code_hash text NOT NULL,
        used_at timestamptz,
        CONSTRAINT pk_mfa_recovery_codes PRIMARY KEY (id),
        CONSTRAINT uq_mfa_recovery_codes_hash UNIQUE (code_hash),
        CONSTRAINT fk_mfa_recovery_codes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_mfa_recovery_codes_user ON mfa_recovery_codes (user_id)`);
    await q.query(`
      CREATE TABLE mfa_challenges (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        user_id uuid NOT NULL,
        token_hash text NOT NULL,
        purpose text NOT NULL,
        remember boolean NOT NULL DEFAULT false,
        failures integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CONSTRAINT pk_mfa_challenges PRIMARY KEY (id),
        CONSTRAINT uq_mfa_challenges_token_hash UNIQUE (token_hash),
        CONSTRAINT ck_mfa_challenges_purpose CHECK (purpose IN ('login', 'enrol')),
        CONSTRAINT fk_mfa_challenges_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_mfa_challenges_expires_at ON mfa_challenges (expires_at)`);
    await q.query(`DROP TRIGGER trg_users_access_changed ON users`);
    await q.query(`
      CREATE TRIGGER trg_users_access_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.email_verified_at IS DISTINCT FROM NEW.email_verified_at
              OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.token_version IS DISTINCT FROM NEW.token_version
              OR OLD.mfa_enabled IS DISTINCT FROM NEW.mfa_enabled)
        EXECUTE FUNCTION notify_access_changed('id')`);
    await q.query(
      `CREATE TRIGGER trg_mfa_totp_access_changed AFTER INSERT OR UPDATE OF confirmed_at OR DELETE ON mfa_totp FOR EACH ROW EXECUTE FUNCTION notify_access_changed('user_id')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_mfa_totp_access_changed ON mfa_totp`);
    await q.query(`DROP TRIGGER trg_users_access_changed ON users`);
    await q.query(`
      CREATE TRIGGER trg_users_access_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.email_verified_at IS DISTINCT FROM NEW.email_verified_at
              OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.token_version IS DISTINCT FROM NEW.token_version)
        EXECUTE FUNCTION notify_access_changed('id')`);
    await q.query(`DROP TABLE mfa_challenges`);
    await q.query(`DROP TABLE mfa_recovery_codes`);
    await q.query(`DROP TABLE mfa_totp`);
    await q.query(`ALTER TABLE users DROP COLUMN mfa_enabled`);
  }
}
