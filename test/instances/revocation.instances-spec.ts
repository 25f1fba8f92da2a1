import { sqlOn } from '../support/database';
import { AccessCache } from '../../src/auth/access-cache';
import { LISTENER_APPLICATION_NAME } from '../../src/auth/access-change-listener';
import { expectEnvelope, PASSWORD, startTestApp, TestContext, verifiedDoctor } from '../support/app';

/**
 * Two instances of the service on one real PostgreSQL (TEST_DATABASE_URL), each caching access state
 * for a minute: a revocation made through one holds on the other at its very next request, with
 * no sleep, because the database announces it and each instance listens. Killing an instance's
 * listener connection never lets a revoked token through, and the instance re-subscribes by itself.
 */
const ADMIN = { email: 'root@example.org', password: 'Adm1n-Passw0rd' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a revocation on one instance holds on every instance at once', () => {
  let a: TestContext;
  let b: TestContext;
  let admin: string;
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const me = (ctx: TestContext, token: string) => ctx.http.get('/api/users/me').set(bearer(token));
  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sqlOn<T>(a.db, text, params);
  /**
   * Marks the account's email unverified with the announcement switched off (in one transaction,
   * invisible to others): an instance that still answers /api/users/me (verified email required) is
   * serving the state from its cache. Logout stays allowed (it does not need a verified email).
   */
  const unverifyUnannounced = (userId: string) =>
    sql(
      `DO $$ BEGIN
         ALTER TABLE users DISABLE TRIGGER trg_users_access_changed;
         UPDATE users SET email_verified_at = NULL WHERE id = '${userId}';
         ALTER TABLE users ENABLE TRIGGER trg_users_access_changed;
       END $$`,
    );
  /** Listener connections of this test's database (each instance has one while it is subscribed). */
  const listeners = async () =>
    (
      await sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [
        LISTENER_APPLICATION_NAME,
      ])
    ).map((r) => r.pid);

  /**
   * Resolves when the instance's cache has dropped the account's state (the database's announcement
   * arrived). A commit on A reaches B's listener a moment after A answers (another process, here
   * another connection): B refuses from the request after that moment, whatever its cache holds.
   */
  const announcementOn = (ctx: TestContext, userId: string) => {
    const cache = ctx.app.get(AccessCache);
    const before = cache.generation(userId);
    return new Promise<void>((resolve) => {
      const poll = () => (cache.generation(userId) !== before ? resolve() : setImmediate(poll));
      poll();
    });
  };

  beforeAll(async () => {
    const env = { ACCESS_CACHE_TTL_MS: '60000', BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password };
    a = await startTestApp(env);
    b = await startTestApp(env, [], a.db);
    admin = (await a.http.post('/api/login').send(ADMIN).expect(200)).body.token;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('logout on A: B answers TOKEN_REVOKED on the next request', async () => {
    const doctor = await verifiedDoctor(a);
    await me(b, doctor.token).expect(200); // B now caches this token's state
    await unverifyUnannounced(doctor.uid);
    await me(b, doctor.token).expect(200); // proof that B serves it from its cache
    const loggedOut = announcementOn(b, doctor.uid);
    await a.http.post('/api/logout').set(bearer(doctor.token)).expect(200);
    await loggedOut;
    expectEnvelope((await me(b, doctor.token).expect(401)).body, 401, 'TOKEN_REVOKED');
  });

  it('a refresh token reused on A ends the session: B refuses its access token at the next request, and so do sessions ended from A', async () => {
    const doctor = await verifiedDoctor(a);
    const first = (await a.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body;
    const next = (await a.http.post('/api/token/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    await me(b, next.token).expect(200); // B caches the session's state
    await unverifyUnannounced(doctor.uid);
    await me(b, next.token).expect(200); // served from B's cache
    await sql(`UPDATE refresh_tokens SET retired_at = now() - interval '11 seconds' WHERE retired_at IS NOT NULL`);
    const reused = announcementOn(b, doctor.uid);
    expectEnvelope(
      (await a.http.post('/api/token/refresh').send({ refreshToken: first.refreshToken }).expect(401)).body,
      401,
      'TOKEN_REVOKED',
    );
    await reused;
    expectEnvelope((await me(b, next.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    // an admin ending every session on A: B refuses at once too
    await sql(`UPDATE users SET email_verified_at = now() WHERE id = $1`, [doctor.uid]);
    const other = (await b.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    await me(b, other).expect(200);
    const ended = announcementOn(b, doctor.uid);
    await a.http.delete(`/api/admin/users/${doctor.uid}/sessions`).set(bearer(admin)).expect(200);
    await ended;
    expectEnvelope((await me(b, other).expect(401)).body, 401, 'TOKEN_REVOKED');
  });

  it('demotion and disable on A: B denies at once', async () => {
    const doctor = await verifiedDoctor(a);
    await a.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ role: 'admin' }).expect(200);
    expectEnvelope((await me(b, doctor.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    const promoted = (await b.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    await b.http.get('/api/admin/users').set(bearer(promoted)).expect(200);
    // B has the state cached now: the demotion holds on B from the moment its announcement arrives
    const demotion = announcementOn(b, doctor.uid);
    await a.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ role: 'doctor' }).expect(200);
    await demotion;
    expectEnvelope((await b.http.get('/api/admin/users').set(bearer(promoted)).expect(401)).body, 401, 'TOKEN_REVOKED');
    const demoted = (await b.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    expectEnvelope((await b.http.get('/api/admin/users').set(bearer(demoted)).expect(403)).body, 403, 'ROLE_REQUIRED');
    const disabled = announcementOn(b, doctor.uid);
    await a.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ disabled: true }).expect(200);
    await disabled;
    expectEnvelope((await me(b, demoted).expect(401)).body, 401, 'TOKEN_REVOKED');
  });

  it('a password change and a subscription change on A apply on B at once; so does a change made in SQL', async () => {
    const doctor = await verifiedDoctor(a);
    const other = (await b.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    await me(b, doctor.token).expect(200);
    // B has the state cached: each change below holds on B from the moment its announcement arrives
    const moved = announcementOn(b, doctor.uid);
    await a.http
      .post('/api/users/me/password')
      .set(bearer(other))
      .send({ currentPassword: PASSWORD, newPassword: 'Moved-Passw0rd' })
      .expect(200);
    await moved;
    expectEnvelope((await me(b, doctor.token).expect(401)).body, 401, 'TOKEN_REVOKED');

    const fresh = (await a.http.post('/api/login').send({ email: doctor.email, password: 'Moved-Passw0rd' }).expect(200)).body
      .token as string;
    expectEnvelope((await b.http.get('/api/analytics/summary').set(bearer(fresh)).expect(403)).body, 403, 'SUBSCRIPTION_REQUIRED');
    const subscribed = announcementOn(b, doctor.uid);
    await a.http.post('/api/subscriptions/trial').set(bearer(fresh)).expect(201);
    await subscribed;
    await b.http.get('/api/analytics/summary').set(bearer(fresh)).expect(200);

    const bumped = announcementOn(b, doctor.uid);
    await sql(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [doctor.uid]);
    await bumped;
    expectEnvelope((await me(b, fresh).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await me(a, fresh).expect(401)).body, 401, 'TOKEN_REVOKED');
  });

  it("after B's listener connection is killed, B never serves a revoked token, re-subscribes, and hears changes again", async () => {
    const doctor = await verifiedDoctor(a);
    await me(b, doctor.token).expect(200);
    const before = await listeners();
    expect(before).toHaveLength(2);
    // both listeners are killed (we cannot tell which one is B's), so neither instance hears anything now
    await sql(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [before]);
    await a.http.post('/api/logout').set(bearer(doctor.token)).expect(200);
    expectEnvelope((await me(b, doctor.token).expect(401)).body, 401, 'TOKEN_REVOKED');

    // each instance reconnects by itself (backoff from 100 ms)
    let back: number[] = [];
    for (let i = 0; i < 100 && back.length < 2; i++) {
      await sleep(100);
      back = (await listeners()).filter((pid) => !before.includes(pid));
    }
    expect(back).toHaveLength(2);
    // B caches again, and still hears the next revocation at once
    const third = (await a.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    await me(b, third).expect(200);
    await unverifyUnannounced(doctor.uid);
    await me(b, third).expect(200); // served from B's cache again
    await a.http.post('/api/logout').set(bearer(third)).expect(200);
    expectEnvelope((await me(b, third).expect(401)).body, 401, 'TOKEN_REVOKED');
  });
});
