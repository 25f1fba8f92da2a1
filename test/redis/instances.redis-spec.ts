import { randomBytes } from 'node:crypto';
import { expectEnvelope, PASSWORD, registration, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from '../support/app';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two app instances on one database and one Redis (a fresh key prefix), torn down after the suite. */
function twoInstances(env: Record<string, string>): { a: () => TestContext; b: () => TestContext } {
  let a: TestContext;
  let b: TestContext;
  beforeAll(async () => {
    const shared = {
      REDIS_URL: REDIS,
      REDIS_KEY_PREFIX: `medisync-test-${randomBytes(4).toString('hex')}:`,
      RATE_LIMIT_REGISTER: '1000/1m',
      LOGIN_LOCKOUT: '5/15m',
      ...env,
    };
    a = await startTestApp(shared);
    b = await startTestApp(shared, [], a.db);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  return { a: () => a, b: () => b };
}

/** Two instances behind one (imaginary) load balancer: one PostgreSQL, one Redis. */
describe('several instances share limits and lockouts through Redis', () => {
  const { a, b } = twoInstances({ RATE_LIMIT_LOGIN: '5/15m' });

  it('admits exactly 5 of 20 parallel logins alternating between the two instances', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? b() : a()).http.post('/api/login').send({ email: uniqueEmail(), password: 'Wrong-Passw0rd' }),
      ),
    );
    const admitted = results.filter((r) => r.status !== 429);
    expect(admitted).toHaveLength(5);
    for (const r of results.filter((x) => x.status === 429)) expectEnvelope(r.body, 429, 'RATE_LIMITED');
  });
});

describe('lockout and logout across instances', () => {
  const { a, b } = twoInstances({ RATE_LIMIT_LOGIN: '1000/1m', LOGIN_LOCKOUT_GLOBAL: '6/15m', TRUST_PROXY: 'true' });

  it('5 failures spread over both instances lock the email on both', async () => {
    const doctor = await verifiedDoctor(a());
    for (let i = 0; i < 5; i++)
      await (i % 2 ? b() : a()).http.post('/api/login').send({ email: doctor.email, password: 'Wrong-Passw0rd' }).expect(401);
    expectEnvelope(
      (await a().http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(429)).body,
      429,
      'ACCOUNT_LOCKED',
    );
    expectEnvelope(
      (await b().http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(429)).body,
      429,
      'ACCOUNT_LOCKED',
    );
  });

  it('failures from many addresses, spread over both instances, lock the email everywhere (LOGIN_LOCKOUT_GLOBAL)', async () => {
    const doctor = await verifiedDoctor(a());
    for (let i = 0; i < 6; i++)
      await (i % 2 ? b() : a()).http
        .post('/api/login')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .send({ email: doctor.email, password: 'Wrong-Passw0rd' })
        .expect(401);
    for (const instance of [a(), b()])
      expectEnvelope(
        (
          await instance.http
            .post('/api/login')
            .set('X-Forwarded-For', '192.0.2.1')
            .send({ email: doctor.email, password: PASSWORD })
            .expect(429)
        ).body,
        429,
        'ACCOUNT_LOCKED',
      );
  });

  it('a logout on one instance revokes the token on the other', async () => {
    const doctor = await verifiedDoctor(a());
    await b().http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(200);
    await a().http.post('/api/logout').set('Authorization', `Bearer ${doctor.token}`).expect(200);
    expectEnvelope(
      (await b().http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(401)).body,
      401,
      'TOKEN_REVOKED',
    );
  });
});

describe('Redis unreachable', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('login and register fail closed with 503; everything else keeps working', async () => {
    expectEnvelope(
      (await ctx.http.post('/api/login').send({ email: uniqueEmail(), password: PASSWORD }).expect(503)).body,
      503,
      'SERVICE_UNAVAILABLE',
    );
    expectEnvelope((await ctx.http.post('/api/register').send(registration(uniqueEmail())).expect(503)).body, 503, 'SERVICE_UNAVAILABLE');
    await ctx.http.get('/health/live').expect(200);
    await ctx.http.get('/api/subscriptions/plans').expect(200);
    await ctx.http.post('/api/verification/resend').send({ email: uniqueEmail() }).expect(202);
  });
});
