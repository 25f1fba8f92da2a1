import { expectEnvelope, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';

const ADMIN = { email: 'root@example.org', password: 'Adm1n-Passw0rd' };
const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

interface AuditEventBody {
  action: string;
  actorId: string | null;
  targetId: string | null;
  targetType: string | null;
  details: Record<string, unknown> | null;
  count: number;
}

/** Coalescing windows are clock minutes: start a burst early in one, so it cannot straddle two. */
async function earlyInAMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((r) => setTimeout(r, left + 100));
}

describe('the audit trail records access denials and reset requests, coalescing repeats', () => {
  let ctx: TestContext;
  let admin: string;

  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
  });
  afterAll(async () => {
    await ctx.close();
  });

  const events = async (query: string): Promise<AuditEventBody[]> =>
    (await ctx.http.get(`/api/admin/audit-events?limit=100&${query}`).set(auth(admin)).expect(200)).body.data;

  /** Background work (the forgot-password audit) lands shortly after the 202: poll for it. */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; ; i++) {
      const value = await read();
      if (done(value) || i >= 50) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('ROLE_REQUIRED, SUBSCRIPTION_REQUIRED and NOT_OWNER are access.denied with route template, rule and target; repeats are one event with a count', async () => {
    const [a, b] = [await verifiedDoctor(ctx), await verifiedDoctor(ctx)];
    await ctx.http.post('/api/subscriptions/trial').set(auth(a.token)).expect(201);
    const patientId = (
      await ctx.http
        .post('/api/patients')
        .set(auth(a.token))
        .send({ firstName: 'Max', lastName: 'Muster', dateOfBirth: '1980-01-01' })
        .expect(201)
    ).body.data.id as string;
    await earlyInAMinute();
    for (let i = 0; i < 3; i++)
      expectEnvelope((await ctx.http.get('/api/admin/users').set(auth(b.token)).expect(403)).body, 403, 'ROLE_REQUIRED');
    for (let i = 0; i < 2; i++)
      expectEnvelope((await ctx.http.get(`/api/patients/${patientId}`).set(auth(b.token)).expect(403)).body, 403, 'NOT_OWNER');
    await ctx.http
      .post('/api/appointments')
      .set(auth(b.token))
      .send({ patientId, startsAt: '2030-01-01T09:00:00Z', endsAt: '2030-01-01T09:30:00Z', reason: 'x' })
      .expect(403);

    const denied = await events(`action=access.denied&actorId=${b.uid}`);
    const summary = denied
      .map((e) => ({ route: e.details?.route, rule: e.details?.rule, targetId: e.targetId, targetType: e.targetType, count: e.count }))
      .sort((x, y) => String(x.route).localeCompare(String(y.route)));
    expect(summary).toEqual([
      { route: 'GET /api/admin/users', rule: 'ROLE_REQUIRED', targetId: null, targetType: null, count: 3 },
      { route: 'GET /api/patients/:id', rule: 'NOT_OWNER', targetId: patientId, targetType: 'patient', count: 2 },
      { route: 'POST /api/appointments', rule: 'SUBSCRIPTION_REQUIRED', targetId: null, targetType: null, count: 1 },
    ]);
    // the doctor who owns the patient was never denied
    expect(await events(`action=access.denied&actorId=${a.uid}`)).toEqual([]);
    // every other event is a single occurrence
    expect((await events('action=login')).every((e) => e.count === 1)).toBe(true);
  });

  it('a flood of 403s from one principal on one route adds one row, not one per request', async () => {
    const doctor = await verifiedDoctor(ctx);
    await earlyInAMinute();
    await Promise.all(Array.from({ length: 40 }, () => ctx.http.get('/api/admin/audit-events').set(auth(doctor.token)).expect(403)));
    const denied = await events(`action=access.denied&actorId=${doctor.uid}`);
    expect(denied.map((e) => [e.details?.route, e.count])).toEqual([['GET /api/admin/audit-events', 40]]);
  });

  it('forgot-password requests are password.reset_requested, whether or not the account exists, coalesced per client', async () => {
    const doctor = await verifiedDoctor(ctx);
    await earlyInAMinute();
    const before = (await events('action=password.reset_requested')).length;
    await ctx.http.post('/api/password/forgot').send({ email: doctor.email }).expect(202);
    await ctx.http
      .post('/api/password/forgot')
      .send({ email: uniqueEmail('ghost') })
      .expect(202);
    await ctx.http.post('/api/password/forgot').send({ email: doctor.email }).expect(202);
    const requested = await eventually(
      () => events('action=password.reset_requested'),
      (rows) => rows.length > before && rows[0].count === 3,
    );
    expect(requested).toHaveLength(before + 1);
    expect(requested[0]).toMatchObject({ action: 'password.reset_requested', actorId: null, targetId: doctor.uid, count: 3 });
    expect(requested[0].details).toMatchObject({ email: doctor.email, route: 'POST /api/password/forgot' });
  });
});
