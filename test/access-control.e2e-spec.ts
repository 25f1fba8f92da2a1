import { Controller, Get, Module } from '@nestjs/common';
import { sqlOn } from './support/database';
import { Auth } from '../src/auth/decorators';
import { CurrentUser, Principal } from '../src/auth/principal';
import { expectEnvelope, PASSWORD, startTestApp, TestContext, verifiedDoctor } from './support/app';

/** Routes gated the way the clinical modules gate theirs, composed from the same decorator. */
@Controller('probe')
class ProbeController {
  @Get('ai')
  @Auth({ roles: ['doctor'], subscription: 'ai' })
  ai(@CurrentUser() user: Principal) {
    return { success: true, id: user.id };
  }

  @Get('appointments')
  @Auth({ roles: ['doctor'], subscription: 'appointments' })
  appointments() {
    return { success: true };
  }
}
@Module({ controllers: [ProbeController] })
class ProbeModule {}

const ADMIN = { email: 'root@example.org', password: 'Adm1n-Passw0rd' };
/** What a doctor with an active subscription may do, as the login response says. */
/** On Professional (the trial) or Enterprise. */
const SUBSCRIBED_DOCTOR = {
  canManageUsers: false,
  canCreateAppointments: true,
  canUseAiFeatures: true,
  canViewAnalytics: true,
  canAccessFhirResources: true,
};
/** Basic: everything but the FHIR interface. */
const BASIC_DOCTOR = { ...SUBSCRIBED_DOCTOR, canAccessFhirResources: false };
/** Ayush Synapse's flags, all true in demo mode (contract v2, "Demo login"). */
const AYUSH_DEMO = {
  can_access_all_endpoints: true,
  can_view_all_data: true,
  can_perform_translations: true,
  can_access_fhir_resources: true,
};
const future = (days: number) => new Date(Date.now() + days * 86400_000).toISOString();

describe('access control: roles, subscriptions, admin, audit', () => {
  let ctx: TestContext;
  let admin: string;
  let adminId: string;
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sqlOn<T>(ctx.db, text, params);

  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password }, [ProbeModule]);
    const res = await ctx.http.post('/api/login').send(ADMIN).expect(200);
    admin = res.body.token;
    adminId = res.body.uid;
  });
  afterAll(async () => {
    await ctx.close();
  });

  describe('roles', () => {
    it('a doctor on every admin route gets 403 ROLE_REQUIRED naming admin', async () => {
      const doctor = await verifiedDoctor(ctx);
      const calls = [
        ctx.http.get('/api/admin/users'),
        ctx.http.patch(`/api/admin/users/${doctor.uid}`).send({ role: 'admin' }),
        ctx.http
          .put(`/api/admin/users/${doctor.uid}/subscription`)
          .send({ plan: 'enterprise', status: 'active', currentPeriodEnd: future(365) }),
        ctx.http.get('/api/admin/audit-events'),
      ];
      for (const call of calls) {
        const res = await call.set(bearer(doctor.token)).expect(403);
        expectEnvelope(res.body, 403, 'ROLE_REQUIRED', 'Access denied. Required role: admin');
      }
      const me = await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(200);
      expect(me.body.user.role).toBe('doctor');
    });

    it('admin routes without a token are 401', async () => {
      expectEnvelope((await ctx.http.get('/api/admin/users').expect(401)).body, 401, 'AUTH_HEADER_MISSING');
    });

    it('admin passes doctor-only and subscription-gated routes', async () => {
      await ctx.http.get('/api/probe/ai').set(bearer(admin)).expect(200);
      await ctx.http.get('/api/probe/appointments').set(bearer(admin)).expect(200);
    });
  });

  describe('subscriptions', () => {
    it('lists the plans publicly with their features', async () => {
      const res = await ctx.http.get('/api/subscriptions/plans').expect(200);
      expect(res.body.data.map((p: { id: string }) => p.id)).toEqual(['basic', 'professional', 'enterprise']);
      expect(res.body.data[0].features).toEqual(['appointments', 'ai', 'analytics']);
      expect(res.body.data[1].features).toEqual(['appointments', 'ai', 'analytics', 'fhir']);
    });

    it('a trial: 14 days of professional, once; login permissions and the guard follow it', async () => {
      const doctor = await verifiedDoctor(ctx);
      expect((await ctx.http.get('/api/subscriptions/me').set(bearer(doctor.token)).expect(200)).body).toEqual({
        success: true,
        subscription: null,
      });
      const gated = await ctx.http.get('/api/probe/ai').set(bearer(doctor.token)).expect(403);
      expectEnvelope(gated.body, 403, 'SUBSCRIPTION_REQUIRED', 'Active subscription required');
      // a body-less POST that still says Content-Type: application/json, as many clients send it
      const trial = await ctx.http
        .post('/api/subscriptions/trial')
        .set(bearer(doctor.token))
        .set('Content-Type', 'application/json')
        .expect(201);
      expect(trial.body.subscription).toMatchObject({
        plan: 'professional',
        status: 'trialing',
        active: true,
        isTrial: true,
        features: ['appointments', 'ai', 'analytics', 'fhir'],
      });
      const days = (new Date(trial.body.subscription.currentPeriodEnd).getTime() - Date.now()) / 86400_000;
      expect(days).toBeGreaterThan(13.99);
      expect(days).toBeLessThanOrEqual(14);
      const again = await ctx.http.post('/api/subscriptions/trial').set(bearer(doctor.token)).expect(409);
      expectEnvelope(again.body, 409, 'CONFLICT');
      // the same token, no re-login
      await ctx.http.get('/api/probe/ai').set(bearer(doctor.token)).expect(200);
      const login = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);
      expect(login.body.permissions).toEqual(SUBSCRIBED_DOCTOR);
      // once expired, a second trial is refused by history
      await sql(`UPDATE subscriptions SET current_period_end = now() - interval '1 day' WHERE user_id = $1`, [doctor.uid]);
      const used = await ctx.http.post('/api/subscriptions/trial').set(bearer(doctor.token)).expect(409);
      expect(used.body.error).toBe('The free trial has already been used');
    });

    it('of 5 parallel trial requests exactly one wins', async () => {
      const doctor = await verifiedDoctor(ctx);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => ctx.http.post('/api/subscriptions/trial').set(bearer(doctor.token))),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    });

    it('a subscription expiring between two requests of one token takes effect on the very next request', async () => {
      const doctor = await verifiedDoctor(ctx);
      await ctx.http.post('/api/subscriptions/trial').set(bearer(doctor.token)).expect(201);
      await ctx.http.get('/api/probe/ai').set(bearer(doctor.token)).expect(200);
      await sql(`UPDATE subscriptions SET current_period_end = now() - interval '1 second' WHERE user_id = $1`, [doctor.uid]);
      const res = await ctx.http.get('/api/probe/ai').set(bearer(doctor.token)).expect(403);
      expectEnvelope(res.body, 403, 'SUBSCRIPTION_REQUIRED', 'Active subscription required');
      const me = await ctx.http.get('/api/subscriptions/me').set(bearer(doctor.token)).expect(200);
      expect(me.body.subscription).toMatchObject({ status: 'trialing', active: false, features: [] });
    });

    it('admin grant, downgrade and cancel apply to the next request; history keeps every change', async () => {
      const doctor = await verifiedDoctor(ctx);
      const put = (body: object) => ctx.http.put(`/api/admin/users/${doctor.uid}/subscription`).set(bearer(admin)).send(body);
      const granted = await put({ plan: 'enterprise', status: 'active', currentPeriodEnd: future(30) }).expect(200);
      expect(granted.body.subscription).toMatchObject({ plan: 'enterprise', status: 'active', active: true });
      await ctx.http.get('/api/probe/ai').set(bearer(doctor.token)).expect(200);
      // the contract gates on an active subscription, whatever the plan
      await put({ plan: 'basic', status: 'active', currentPeriodEnd: future(30) }).expect(200);
      await ctx.http.get('/api/probe/ai').set(bearer(doctor.token)).expect(200);
      await ctx.http.get('/api/probe/appointments').set(bearer(doctor.token)).expect(200);
      const login = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);
      expect(login.body.permissions).toEqual(BASIC_DOCTOR);
      await put({ plan: 'basic', status: 'past_due', currentPeriodEnd: future(30) }).expect(200);
      expectEnvelope((await ctx.http.get('/api/probe/ai').set(bearer(doctor.token)).expect(403)).body, 403, 'SUBSCRIPTION_REQUIRED');
      await put({ plan: 'basic', status: 'canceled', currentPeriodEnd: future(30) }).expect(200);
      await ctx.http.get('/api/probe/appointments').set(bearer(doctor.token)).expect(403);
      const rows = await sql<{ plan: string; status: string }>(
        `SELECT plan, status FROM subscriptions WHERE user_id = $1 ORDER BY created_at`,
        [doctor.uid],
      );
      expect(rows.map((r) => `${r.plan}/${r.status}`)).toEqual(['enterprise/active', 'basic/active', 'basic/past_due', 'basic/canceled']);
    });

    it('validates the admin subscription body and the user id', async () => {
      const doctor = await verifiedDoctor(ctx);
      for (const body of [
        { plan: 'gold', status: 'active', currentPeriodEnd: future(1) },
        { plan: 'basic', status: 'paused', currentPeriodEnd: future(1) },
        { plan: 'basic', status: 'active', currentPeriodEnd: 'tomorrow' },
        { plan: 'basic', status: 'active', currentPeriodEnd: '2027-W05' },
        { plan: 'basic', status: 'active', currentPeriodEnd: '2027-02-30T00:00:00' },
        { plan: 'basic', status: 'active' },
        { plan: 'basic', status: 'active', currentPeriodEnd: future(1), userId: adminId },
      ]) {
        const res = await ctx.http.put(`/api/admin/users/${doctor.uid}/subscription`).set(bearer(admin)).send(body).expect(400);
        expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
      }
      const bad = await ctx.http
        .put('/api/admin/users/not-a-uuid/subscription')
        .set(bearer(admin))
        .send({ plan: 'basic', status: 'active', currentPeriodEnd: future(1) })
        .expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      await ctx.http
        .put('/api/admin/users/00000000-0000-4000-8000-000000000000/subscription')
        .set(bearer(admin))
        .send({ plan: 'basic', status: 'active', currentPeriodEnd: future(1) })
        .expect(404);
    });
  });

  describe('admin user management', () => {
    it('lists users with ?q= search and pagination', async () => {
      const tag = `zq${Date.now().toString(36)}`;
      for (let i = 0; i < 3; i++) await verifiedDoctor(ctx, `${tag}.${i}@example.org`);
      const page1 = await ctx.http.get(`/api/admin/users?q=${tag.toUpperCase()}&limit=2`).set(bearer(admin)).expect(200);
      expect(page1.body.meta).toEqual({ page: 1, limit: 2, total: 3 });
      expect(page1.body.data).toHaveLength(2);
      expect(page1.body.data[0]).toMatchObject({ email: `${tag}.0@example.org`, role: 'doctor', disabled: false });
      expect(JSON.stringify(page1.body)).not.toMatch(/password|hash|token_version|tokenVersion/i);
      const page2 = await ctx.http.get(`/api/admin/users?q=${tag}&limit=2&page=2`).set(bearer(admin)).expect(200);
      expect(page2.body.data.map((u: { email: string }) => u.email)).toEqual([`${tag}.2@example.org`]);
      const none = await ctx.http.get('/api/admin/users?q=%25').set(bearer(admin)).expect(200);
      expect(none.body.meta.total).toBe(0);
      for (const q of ['limit=101', 'limit=0', 'page=0', 'page=abc', 'limit=1.5', 'sort=email', 'page=1e308']) {
        expectEnvelope((await ctx.http.get(`/api/admin/users?${q}`).set(bearer(admin)).expect(400)).body, 400, 'VALIDATION_ERROR');
      }
    });

    it("disabling revokes a user's live token at once and blocks login; enabling lets them log in again", async () => {
      const doctor = await verifiedDoctor(ctx);
      await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(200);
      const res = await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ disabled: true }).expect(200);
      expect(res.body.user).toMatchObject({ id: doctor.uid, disabled: true });
      expectEnvelope(
        (await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(401)).body,
        401,
        'TOKEN_REVOKED',
        'Token has been revoked',
      );
      expectEnvelope(
        (await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(401)).body,
        401,
        'INVALID_CREDENTIALS',
      );
      await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ disabled: false }).expect(200);
      await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(401);
      const again = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);
      await ctx.http.get('/api/users/me').set(bearer(again.body.token)).expect(200);
    });

    it('a role change ends every session of the account; the next login has the new role; bad bodies and ids are refused', async () => {
      const doctor = await verifiedDoctor(ctx);
      const login = () => ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);
      await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ role: 'admin' }).expect(200);
      expectEnvelope((await ctx.http.get('/api/admin/users').set(bearer(doctor.token)).expect(401)).body, 401, 'TOKEN_REVOKED');
      const promoted = (await login()).body;
      expect(promoted.role).toBe('admin');
      await ctx.http.get('/api/admin/users').set(bearer(promoted.token)).expect(200);
      await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ role: 'doctor' }).expect(200);
      expectEnvelope((await ctx.http.get('/api/admin/users').set(bearer(promoted.token)).expect(401)).body, 401, 'TOKEN_REVOKED');
      await ctx.http
        .get('/api/admin/users')
        .set(bearer((await login()).body.token))
        .expect(403);
      for (const body of [
        {},
        { role: 'superuser' },
        { disabled: 'true' },
        { email: 'x@example.org' },
        { role: null },
        { disabled: null },
      ]) {
        expectEnvelope(
          (await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send(body).expect(400)).body,
          400,
          'VALIDATION_ERROR',
        );
      }
      await ctx.http.patch('/api/admin/users/00000000-0000-4000-8000-000000000000').set(bearer(admin)).send({ disabled: true }).expect(404);
    });

    it('the last active admin can be neither demoted nor disabled, even by two admins at once', async () => {
      const solo = await ctx.http.patch(`/api/admin/users/${adminId}`).set(bearer(admin)).send({ role: 'doctor' }).expect(409);
      expectEnvelope(solo.body, 409, 'CONFLICT', 'The last active admin cannot be demoted or disabled');
      await ctx.http.patch(`/api/admin/users/${adminId}`).set(bearer(admin)).send({ disabled: true }).expect(409);
      const second = await verifiedDoctor(ctx);
      await ctx.http.patch(`/api/admin/users/${second.uid}`).set(bearer(admin)).send({ role: 'admin' }).expect(200);
      // the promotion ended the doctor's session: the second admin signs in again
      const secondAdmin = (await ctx.http.post('/api/login').send({ email: second.email, password: PASSWORD }).expect(200)).body.token;
      const [a, b] = await Promise.all([
        ctx.http.patch(`/api/admin/users/${second.uid}`).set(bearer(admin)).send({ role: 'doctor' }),
        ctx.http.patch(`/api/admin/users/${adminId}`).set(bearer(secondAdmin)).send({ role: 'doctor' }),
      ]);
      // one wins; the other is refused by the lock (409) or, when the winner's change committed first,
      // by its ended session (401: the demotion of its caller ended the caller's sessions)
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      expect(won.status).toBe(200);
      expect([401, 409]).toContain(lost.status);
      const admins = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL`);
      expect(admins[0].n).toBe(1);
      // put things back as they were: the bootstrap admin the only admin, whichever request won
      if (b.status === 200) {
        await ctx.http.patch(`/api/admin/users/${adminId}`).set(bearer(secondAdmin)).send({ role: 'admin' }).expect(200);
        admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
        await ctx.http.patch(`/api/admin/users/${second.uid}`).set(bearer(admin)).send({ role: 'doctor' }).expect(200);
      }
      const left = await sql<{ id: string }>(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL`);
      expect(left.map((r) => r.id)).toEqual([adminId]);
    });
  });

  describe('audit trail', () => {
    it('records logins (ok and failed), registrations, verifications, password changes, logouts and admin changes with actor, target, IP, user agent and request id', async () => {
      const doctor = await verifiedDoctor(ctx);
      await ctx.http
        .post('/api/login')
        .set('User-Agent', 'audit-test/1.0')
        .send({ email: doctor.email, password: 'Wrong-Passw0rd' })
        .expect(401);
      await ctx.http
        .post('/api/users/me/password')
        .set(bearer(doctor.token))
        .send({ currentPassword: PASSWORD, newPassword: 'Changed-Passw0rd' })
        .expect(200);
      const fresh = await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Changed-Passw0rd' }).expect(200);
      await ctx.http.post('/api/logout').set(bearer(fresh.body.token)).expect(200);
      await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set(bearer(admin)).send({ disabled: true }).expect(200);
      const res = await ctx.http.get(`/api/admin/audit-events?targetId=${doctor.uid}&limit=100`).set(bearer(admin)).expect(200);
      const actions = res.body.data.map((e: { action: string }) => e.action);
      for (const a of [
        'user.registered',
        'email.verified',
        'login.succeeded',
        'login.failed',
        'password.changed',
        'logout',
        'user.disabled',
      ])
        expect(actions).toContain(a);
      const failed = res.body.data.find((e: { action: string }) => e.action === 'login.failed');
      expect(failed).toMatchObject({
        actorId: null,
        targetId: doctor.uid,
        userAgent: 'audit-test/1.0',
        ip: '127.0.0.1',
        details: { email: doctor.email, reason: 'wrong_password' },
      });
      expect(failed.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const disabled = res.body.data.find((e: { action: string }) => e.action === 'user.disabled');
      expect(disabled.actorId).toBe(adminId);
      const everything = JSON.stringify((await sql(`SELECT * FROM audit_events`)).map((r) => r));
      expect(everything).not.toContain(PASSWORD);
      expect(everything).not.toContain('Changed-Passw0rd');
      expect(everything).not.toContain(fresh.body.token);
      expect(everything).not.toContain('$argon2');
    });

    it('filters by actor, action prefix and time range, newest first, paginated', async () => {
      const t0 = new Date().toISOString();
      const doctor = await verifiedDoctor(ctx);
      const byActor = await ctx.http.get(`/api/admin/audit-events?actorId=${doctor.uid}`).set(bearer(admin)).expect(200);
      expect(byActor.body.data.every((e: { actorId: string }) => e.actorId === doctor.uid)).toBe(true);
      expect(byActor.body.data.map((e: { action: string }) => e.action)).toEqual([
        'login.succeeded',
        'session.started',
        'email.verified',
        'user.registered',
      ]);
      const logins = await ctx.http
        .get(`/api/admin/audit-events?action=login&from=${encodeURIComponent(t0)}`)
        .set(bearer(admin))
        .expect(200);
      expect(logins.body.data.length).toBeGreaterThan(0);
      expect(logins.body.data.every((e: { action: string; createdAt: string }) => e.action.startsWith('login.') && e.createdAt >= t0)).toBe(
        true,
      );
      const before = await ctx.http
        .get(`/api/admin/audit-events?actorId=${doctor.uid}&to=${encodeURIComponent(t0)}`)
        .set(bearer(admin))
        .expect(200);
      expect(before.body.meta.total).toBe(0);
      const paged = await ctx.http.get('/api/admin/audit-events?limit=1&page=2').set(bearer(admin)).expect(200);
      expect(paged.body.data).toHaveLength(1);
      expect(paged.body.meta.page).toBe(2);
      for (const q of ['actorId=nope', 'from=yesterday', 'action=DROP%20TABLE']) {
        await ctx.http.get(`/api/admin/audit-events?${q}`).set(bearer(admin)).expect(400);
      }
    });

    it('is append-only in the database', async () => {
      await expect(sql(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(sql(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(sql(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    });
  });

  it('demo login does not exist without DEMO_MODE', async () => {
    expectEnvelope((await ctx.http.post('/api/auth/demo-login').send({}).expect(404)).body, 404, 'NOT_FOUND');
  });
});

describe('demo mode (DEMO_MODE=true)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ DEMO_MODE: 'true' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  // v2 (contract, "Demo login"): user_id is echoed as sent (default "demo_user"), the account id is
  // `uid`, and Ayush Synapse's four permission flags stand beside MediSync's; test/demo.e2e-spec.ts has the rest
  it('returns a token for a demo doctor (with an active plan) or admin, without a password', async () => {
    const doctor = await ctx.http.post('/api/auth/demo-login').send({}).expect(200);
    expect(doctor.body).toMatchObject({
      success: true,
      message: 'Authentication successful',
      user_id: 'demo_user',
      role: 'doctor',
      demo_mode: true,
    });
    expect(doctor.body.permissions).toEqual({ ...AYUSH_DEMO, ...SUBSCRIBED_DOCTOR });
    const me = await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${doctor.body.token}`).expect(200);
    expect(me.body.user.id).toBe(doctor.body.uid);
    const again = await ctx.http.post('/api/auth/demo-login').send({ role: 'doctor' }).expect(200);
    expect(again.body.uid).toBe(doctor.body.uid);
    const alice = await ctx.http.post('/api/auth/demo-login').send({ user_id: 'alice' }).expect(200);
    expect(alice.body.user_id).toBe('alice');
    expect(alice.body.uid).not.toBe(doctor.body.uid);
    const adminLogin = await ctx.http.post('/api/auth/demo-login').send({ role: 'admin' }).expect(200);
    expect(adminLogin.body.permissions.canManageUsers).toBe(true);
    await ctx.http.get('/api/admin/users').set('Authorization', `Bearer ${adminLogin.body.token}`).expect(200);
  });

  // v2: any non-empty string is a user_id ('../etc' included, see test/demo.e2e-spec.ts)
  it('refuses other roles and odd ids', async () => {
    for (const body of [{ role: 'patient' }, { role: 'root' }, { user_id: '' }, { user_id: 5 }, { password: 'x' }]) {
      expectEnvelope((await ctx.http.post('/api/auth/demo-login').send(body).expect(400)).body, 400, 'VALIDATION_ERROR');
    }
  });

  it('production refuses DEMO_MODE (see config.spec) — and the login route is listed only here', async () => {
    const doc = (await ctx.http.get('/docs-json').expect(200)).body;
    expect(doc.paths['/api/auth/demo-login'].post.operationId).toBe('demoLogin');
  });
});
