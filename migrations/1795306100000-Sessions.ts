import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session per login (contract, Sessions v2), with its refresh tokens stored only as SHA-256 hashes.
 * A refresh token is retired when it is rotated; the rows stay until their session is swept, so a
 * retired token presented again is recognised as reuse and ends its session.
 *
 * A session's `token_version` is its account's at login: a password change or reset, a disable or a
 * role change (each bumps users.token_version) ends every session at once, in the same transaction.
 * Ending a session (`ended_at`) or deleting it is announced on `medisync_access_changed` like every
 * other access change, so every instance drops its cached state at commit.
 *
 * The logout denylist (`revoked_tokens`) goes: every access token now names its session (`sid`), and
 * logout ends the session. Tokens issued before this migration have no `sid` and are refused
 * (TOKEN_REVOKED): everyone signs in once more after the upgrade.
 */
export class Sessions1795306100000 implements MigrationInterface {
  name = 'Sessions1795306100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        remember boolean NOT NULL DEFAULT false,
        token_version integer NOT NULL,
        amr text[] NOT NULL DEFAULT '{pwd}',
        ip text,
        user_agent text,
        ended_at timestamptz,
        end_reason text,
        ended_by uuid,
        CONSTRAINT pk_sessions PRIMARY KEY (id),
        CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_sessions_end_reason CHECK (end_reason IN ('logout', 'logout_all', 'ended_by_user', 'ended_by_admin', 'refresh_reused', 'idle', 'mfa_disabled')),
        CONSTRAINT ck_sessions_ended CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_sessions_user ON sessions (user_id)`);
    await q.query(`CREATE INDEX ix_sessions_expires_at ON sessions (expires_at)`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        token_hash bytea NOT NULL,
        session_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        grace_used boolean NOT NULL DEFAULT false,
        CONSTRAINT pk_refresh_tokens PRIMARY KEY (token_hash),
        CONSTRAINT fk_refresh_tokens_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_refresh_tokens_session ON refresh_tokens (session_id)`);
    await q.query(`
      CREATE TRIGGER trg_sessions_access_changed AFTER UPDATE ON sessions FOR EACH ROW
        WHEN (OLD.ended_at IS DISTINCT FROM NEW.ended_at)
        EXECUTE FUNCTION notify_access_changed('user_id')`);
    await q.query(
      `CREATE TRIGGER trg_sessions_access_deleted AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION notify_access_changed('user_id')`,
    );
    await q.query(`DROP TRIGGER trg_revoked_tokens_access_changed ON revoked_tokens`);
    await q.query(`DROP TABLE revoked_tokens`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE revoked_tokens (
        jti uuid NOT NULL,
        user_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT pk_revoked_tokens PRIMARY KEY (jti),
        CONSTRAINT fk_revoked_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_revoked_tokens_expires_at ON revoked_tokens (expires_at)`);
    await q.query(
      `CREATE TRIGGER trg_revoked_tokens_access_changed AFTER INSERT ON revoked_tokens FOR EACH ROW EXECUTE FUNCTION notify_access_changed('user_id')`,
    );
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE sessions`);
  }
}
