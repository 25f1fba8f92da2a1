import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to what an account may do is announced on the channel `medisync_access_changed`
 * (payload: the account id) by the database itself, at commit: a role, verification, disable or
 * token-version change of a user, any subscription row, a logout. Each instance LISTENs and drops
 * its cached state for that account, so a revocation holds on every instance at once, whichever code
 * path (or SQL session) made it. A rolled-back change announces nothing.
 */
export class AccessChangeNotifications1795305900000 implements MigrationInterface {
  name = 'AccessChangeNotifications1795305900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed jsonb;
      BEGIN
        IF TG_OP = 'DELETE' THEN changed := to_jsonb(OLD); ELSE changed := to_jsonb(NEW); END IF;
        PERFORM pg_notify('medisync_access_changed', changed->>TG_ARGV[0]);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER trg_users_access_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.email_verified_at IS DISTINCT FROM NEW.email_verified_at
              OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.token_version IS DISTINCT FROM NEW.token_version)
        EXECUTE FUNCTION notify_access_changed('id')`);
    await q.query(
      `CREATE TRIGGER trg_users_access_deleted AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION notify_access_changed('id')`,
    );
    await q.query(
      `CREATE TRIGGER trg_subscriptions_access_changed AFTER INSERT OR UPDATE OR DELETE ON subscriptions FOR EACH ROW EXECUTE FUNCTION notify_access_changed('user_id')`,
    );
    await q.query(
      `CREATE TRIGGER trg_revoked_tokens_access_changed AFTER INSERT ON revoked_tokens FOR EACH ROW EXECUTE FUNCTION notify_access_changed('user_id')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_revoked_tokens_access_changed ON revoked_tokens`);
    await q.query(`DROP TRIGGER trg_subscriptions_access_changed ON subscriptions`);
    await q.query(`DROP TRIGGER trg_users_access_deleted ON users`);
    await q.query(`DROP TRIGGER trg_users_access_changed ON users`);
    await q.query(`DROP FUNCTION notify_access_changed()`);
  }
}
