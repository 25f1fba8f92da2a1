import { AuditService } from '../src/audit/audit.service';
import { tokenFrom } from './support/smtp';
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
    // the 429 itself says which limit it is and when it resets (issue 12)
    expect(res.headers['x-ratelimit-limit']).toBe('5');
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    expect(res.headers['x-ratelimit-reset']).toBe(res.headers['retry-after']);
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
    const limited = await ctx.http.get('/api/subscriptions/plans').expect(429);
    expectEnvelope(limited.body, 429, 'RATE_LIMITED');
    expect(limited.headers['x-ratelimit-limit']).toBe('4');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
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

describe('login lockout per (email, client IP) and per email (contract v2)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // the defaults: LOGIN_LOCKOUT 5/15m, LOGIN_LOCKOUT_GLOBAL 20/15m; client addresses from X-Forwarded-For
    ctx = await startTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  const login = (email: string, password: string) => ctx.http.post('/api/login').send({ email, password });

  const loginFrom = (ip: string, email: string, password: string) =>
    ctx.http.post('/api/login').set('X-Forwarded-For', ip).send({ email, password });
  const lockEvents = async (email: string) =>
    (await ctx.app.get(AuditService).list({ action: 'login.locked', limit: 100 })).rows.filter(
      (e) => e.details?.email === email && e.details?.lockedNow === true,
    );

  it('5 failures from one address lock only that address: the colleague at another address still logs in', async () => {
    const doctor = await verifiedDoctor(ctx);
    for (let i = 0; i < 5; i++) await loginFrom('198.51.100.1', doctor.email, 'Wrong-Passw0rd').expect(401);
    const locked = await loginFrom('198.51.100.1', doctor.email, PASSWORD).expect(429);
    expectEnvelope(locked.body, 429, 'ACCOUNT_LOCKED', 'Account temporarily locked');
    await loginFrom('198.51.100.2', doctor.email, PASSWORD).expect(200);
    expect((await lockEvents(doctor.email)).map((e) => e.details?.scope)).toEqual(['client']);
  });

  it('20 failures from many addresses lock the email everywhere, are audited, and mail the owner once with a reset link', async () => {
    const doctor = await verifiedDoctor(ctx);
    // 4 from each of 5 addresses: no single address reaches its own limit
    for (let i = 0; i < 20; i++) await loginFrom(`203.0.113.${Math.floor(i / 4)}`, doctor.email, 'Wrong-Passw0rd').expect(401);
    const res = await loginFrom('192.0.2.99', doctor.email, PASSWORD).expect(429);
    expectEnvelope(res.body, 429, 'ACCOUNT_LOCKED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(890);
    expect((await lockEvents(doctor.email)).map((e) => [e.details?.scope, e.targetId])).toEqual([['email', doctor.uid]]);
    const notice = await ctx.mailbox.waitFor(doctor.email, 2); // #1 was the verification mail
    expect(notice.subject).toBe('Your MediSync account was locked after failed logins');
    await ctx.http
      .post('/api/password/reset')
      .send({ token: tokenFrom(notice), password: 'N3w-Passw0rd!' })
      .expect(200);
    // refused attempts during the lock neither count nor mail again
    for (let i = 0; i < 3; i++) await loginFrom(`192.0.2.${i}`, doctor.email, 'Wrong-Passw0rd').expect(429);
    await ctx.http.post('/api/login').send({ email: uniqueEmail(), password: 'x' }).expect(401);
    expect(ctx.mailbox.countTo(doctor.email)).toBe(2);
    expect(await lockEvents(doctor.email)).toHaveLength(1);
  });

  it('an email without an account behaves the same (no enumeration)', async () => {
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) await loginFrom('198.51.100.7', ghost, 'Wrong-Passw0rd').expect(401);
    expectEnvelope((await loginFrom('198.51.100.7', ghost, 'Wrong-Passw0rd').expect(429)).body, 429, 'ACCOUNT_LOCKED');
    await loginFrom('198.51.100.8', ghost, 'Wrong-Passw0rd').expect(401);
    for (let i = 1; i < 20; i++) await loginFrom(`198.51.101.${Math.floor(i / 4)}`, ghost, 'Wrong-Passw0rd');
    expectEnvelope((await loginFrom('192.0.2.200', ghost, 'Wrong-Passw0rd').expect(429)).body, 429, 'ACCOUNT_LOCKED');
    expect((await lockEvents(ghost)).map((e) => e.details?.scope).sort()).toEqual(['client', 'email']);
  });

  it('5 failures lock the email for this client for 15 minutes: ACCOUNT_LOCKED with Retry-After even with the right password', async () => {
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

  it('counts 50 parallel wrong passwords as 50 and records each lock once in the audit trail', async () => {
    const doctor = await verifiedDoctor(ctx);
    const results = await Promise.all(Array.from({ length: 50 }, () => login(doctor.email, 'Wrong-Passw0rd')));
    expect(results.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    await login(doctor.email, PASSWORD).expect(429);
    const admin = await ctx.app.get(AuditService).list({ targetId: doctor.uid, limit: 100 });
    const failed = admin.rows.filter((e) => e.action === 'login.failed').length;
    const locked = admin.rows.filter((e) => e.action === 'login.locked');
    expect(failed).toBe(results.filter((r) => r.status === 401).length);
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(locked.map((e) => e.details?.scope).sort()).toEqual(['client', 'email']);
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
