import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Any change to a user row is announced on `medisync_access_changed`, not only the four access
 * columns: the per-request access state now carries the account's profile as well (so `GET
 * /api/users/me` is answered from the row the access check read), and a profile edit must drop the
 * cached copy on every instance as a revocation does. An UPDATE that changes nothing announces nothing.
 */
export class AccountChangeNotifications1795306300000 implements MigrationInterface {
  name = 'AccountChangeNotifications1795306300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_users_access_changed ON users`);
    await q.query(`
      CREATE TRIGGER trg_users_access_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.* IS DISTINCT FROM NEW.*)
        EXECUTE FUNCTION notify_access_changed('id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER trg_users_access_changed ON users`);
    await q.query(`
      CREATE TRIGGER trg_users_access_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.email_verified_at IS DISTINCT FROM NEW.email_verified_at
              OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.token_version IS DISTINCT FROM NEW.token_version)
        EXECUTE FUNCTION notify_access_changed('id')`);
  }
}
