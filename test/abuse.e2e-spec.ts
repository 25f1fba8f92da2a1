import { AuditService } from '../src/audit/audit.service';
import { expectEnvelope, PASSWORD, registration, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';

const CONTRACT_LIMITS = {
  RATE_LIMIT_LOGIN: '5/15m',
  RATE_LIMIT_REGISTER: '3/1h',
  RATE_LIMIT_VERIFICATION_RESEND: '5/30m',
  RATE_LIMIT_PASSWORD_FORGOT: '5/30m',
  RATE_LIMIT_DEFAULT: '4/1m',
};

describe('rate limits per client IP (the contract defaults)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp(CONTRACT_LIMITS);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('login: 5 per 15 minutes with X-RateLimit headers, then 429 RATE_LIMITED with Retry-After, even rotating X-Forwarded-For', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await ctx.http
        .post('/api/login')
        .set('X-Forwarded-For', `10.0.0.${i}`)
        .send({ email: uniqueEmail(), password: 'Wrong-Passw0rd' })
        .expect(401);
      expect(res.headers['x-ratelimit-limit']).toBe('5');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(4 - i));
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(800);
    }
    const res = await ctx.http
      .post('/api/login')
      .set('X-Forwarded-For', '10.9.9.9')
      .send({ email: uniqueEmail(), password: PASSWORD })
      .expect(429);
    expectEnvelope(res.body, 429, 'RATE_LIMITED', 'Too many requests');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
  });

  it('register: 3 per hour', async () => {
    for (let i = 0; i < 3; i++) await ctx.http.post('/api/register').send(registration(uniqueEmail())).expect(201);
    const res = await ctx.http.post('/api/register').send(registration(uniqueEmail())).expect(429);
    expectEnvelope(res.body, 429, 'RATE_LIMITED');
  });

  it('verification resend and password forgot: 5 per 30 minutes each', async () => {
    for (const path of ['/api/verification/resend', '/api/password/forgot']) {
      for (let i = 0; i < 5; i++) {
        const res = await ctx.http.post(path).send({ email: uniqueEmail() }).expect(202);
        expect(res.headers['x-ratelimit-limit']).toBe('5');
      }
      expectEnvelope((await ctx.http.post(path).send({ email: uniqueEmail() }).expect(429)).body, 429, 'RATE_LIMITED');
    }
  });

  it('every other route has the default per-client limit; health is never limited', async () => {
    for (let i = 0; i < 4; i++) await ctx.http.get('/api/subscriptions/plans').expect(200);
    expectEnvelope((await ctx.http.get('/api/subscriptions/plans').expect(429)).body, 429, 'RATE_LIMITED');
    for (let i = 0; i < 10; i++) {
      const res = await ctx.http.get('/health/live').expect(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
    await ctx.http.get('/health/ready').expect(200);
  });
});

describe('rate limits behind a trusted proxy (TRUST_PROXY=true)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ ...CONTRACT_LIMITS, TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('counts each client address from X-Forwarded-For separately', async () => {
    for (let i = 0; i < 5; i++)
      await ctx.http
        .post('/api/login')
        .set('X-Forwarded-For', '203.0.113.7')
        .send({ email: uniqueEmail(), password: 'Wrong-Passw0rd' })
        .expect(401);
    await ctx.http
      .post('/api/login')
      .set('X-Forwarded-For', '203.0.113.7')
      .send({ email: uniqueEmail(), password: 'Wrong-Passw0rd' })
      .expect(429);
    await ctx.http
      .post('/api/login')
      .set('X-Forwarded-For', '203.0.113.8')
      .send({ email: uniqueEmail(), password: 'Wrong-Passw0rd' })
      .expect(401);
  });
});

describe('login lockout per email', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ LOGIN_LOCKOUT: '5/15m' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  const login = (email: string, password: string) => ctx.http.post('/api/login').send({ email, password });

  it('5 failures lock the email for 15 minutes: ACCOUNT_LOCKED with Retry-After even with the right password', async () => {
    const doctor = await verifiedDoctor(ctx);
    for (let i = 0; i < 5; i++) await login(doctor.email, 'Wrong-Passw0rd').expect(401);
    const res = await login(doctor.email.toUpperCase(), PASSWORD).expect(429);
    expectEnvelope(res.body, 429, 'ACCOUNT_LOCKED', 'Account temporarily locked');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(890);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
    // another email from the same client is not affected
    const other = await verifiedDoctor(ctx);
    await login(other.email, PASSWORD).expect(200);
  });

  it('locks an email that has no account alike', async () => {
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) await login(ghost, 'Wrong-Passw0rd').expect(401);
    expectEnvelope((await login(ghost, 'Wrong-Passw0rd').expect(429)).body, 429, 'ACCOUNT_LOCKED');
  });

  it('a success resets the count', async () => {
    const doctor = await verifiedDoctor(ctx);
    for (let i = 0; i < 4; i++) await login(doctor.email, 'Wrong-Passw0rd').expect(401);
    await login(doctor.email, PASSWORD).expect(200);
    for (let i = 0; i < 4; i++) await login(doctor.email, 'Wrong-Passw0rd').expect(401);
    await login(doctor.email, PASSWORD).expect(200);
  });

  it('counts 50 parallel wrong passwords as 50 and records the lock in the audit trail', async () => {
    const doctor = await verifiedDoctor(ctx);
    const results = await Promise.all(Array.from({ length: 50 }, () => login(doctor.email, 'Wrong-Passw0rd')));
    expect(results.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    await login(doctor.email, PASSWORD).expect(429);
    const admin = await ctx.app.get(AuditService).list({ targetId: doctor.uid, limit: 100 });
    const failed = admin.rows.filter((e) => e.action === 'login.failed').length;
    const locked = admin.rows.filter((e) => e.action === 'login.locked');
    expect(failed).toBe(results.filter((r) => r.status === 401).length);
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(locked.length).toBe(1);
  });

  it('refuses the most common passwords at registration, naming password', async () => {
    const res = await ctx.http
      .post('/api/register')
      .send(registration(uniqueEmail(), { password: 'Password1' }))
      .expect(400);
    expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
    expect(res.body.details).toEqual([{ field: 'password', message: 'password is one of the most common passwords; choose another' }]);
  });
});
