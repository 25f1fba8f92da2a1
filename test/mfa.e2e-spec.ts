import { createHmac, randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { expectEnvelope, PASSWORD, startTestApp, TEST_JWT_SECRET, TestContext, verifiedDoctor } from './support/app';
import { createTestDatabase, sqlOn, TestDatabase } from './support/database';

/**
 * Multi-factor sign-in over HTTP (contract v2, "Multi-factor authentication"). Codes are computed here
 * with the TOTP library from the secret that setup returned, as an authenticator app would.
 */

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

/** Every time step a code was used for, per secret: the server accepts a code at most once, and only newer ones. */
const lastStep = new Map<string, number>();

/**
 * A code the server has not seen: the current step's, or the next one's (the server accepts one step
 * either side). When both are used, waits for the next step, as a user would.
 */
async function freshCode(secret: string): Promise<string> {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max((lastStep.get(secret) ?? -Infinity) + 1, now);
    if (step <= now + 1) {
      lastStep.set(secret, step);
      return totp.generate({ timestamp: step * 30_000 });
    }
    await new Promise((resolve) => setTimeout(resolve, (now + 1) * 30_000 - Date.now() + 100));
  }
}

/** A code that is surely wrong now: none of the three accepted steps' codes. */
function wrongCode(secret: string): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  const now = Date.now();
  const valid = new Set([-1, 0, 1, 2].map((d) => totp.generate({ timestamp: now + d * 30_000 })));
  for (let n = 0; ; n++) {
    const code = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

/** Signs an access token by hand (as tokens issued before a policy, or by an attacker, look). */
function sign(payload: object): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', TEST_JWT_SECRET).update(head).digest('base64url')}`;
}

interface Enrolled {
  email: string;
  uid: string;
  token: string;
  secret: string;
  recoveryCodes: string[];
}

/** A verified doctor who set up and confirmed an authenticator app. */
async function enrolledDoctor(ctx: TestContext): Promise<Enrolled> {
  const doctor = await verifiedDoctor(ctx);
  const setup = await ctx.http.post('/api/mfa/totp/setup').set(bearer(doctor.token)).send({ password: PASSWORD }).expect(200);
  const secret = setup.body.secret as string;
  const confirm = await ctx.http
    .post('/api/mfa/totp/confirm')
    .set(bearer(doctor.token))
    .send({ code: await freshCode(secret) })
    .expect(200);
  return { ...doctor, secret, recoveryCodes: confirm.body.recoveryCodes as string[] };
}

/** POST /api/login for an account with MFA: 401 MFA_REQUIRED and its mfaToken. */
async function mfaTokenFor(ctx: TestContext, email: string): Promise<string> {
  const res = await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(401);
  expectEnvelope(res.body, 401, 'MFA_REQUIRED', 'Multi-factor authentication required');
  expect(res.body.mfaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return res.body.mfaToken as string;
}

async function auditActions(ctx: TestContext, userId: string): Promise<Array<{ action: string; details: Record<string, unknown> }>> {
  return sqlOn(ctx.db, `SELECT action, details FROM audit_events WHERE target_id = $1 ORDER BY created_at, id`, [userId]);
}

describe('multi-factor authentication (TOTP)', () => {
  const ADMIN = { email: 'mfa.root@example.org', password: 'Adm1n-Passw0rd' };
  let ctx: TestContext;
  let admin: string;
  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('enrol → confirm → login needs a code → the code completes it with a token whose amr is pwd+otp', async () => {
    const doctor = await verifiedDoctor(ctx);
    expect((await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(200)).body.user.mfaEnabled).toBe(false);

    const wrongPassword = await ctx.http
      .post('/api/mfa/totp/setup')
      .set(bearer(doctor.token))
      .send({ password: 'Wrong-Passw0rd' })
      .expect(400);
    expectEnvelope(wrongPassword.body, 400, 'VALIDATION_ERROR');
    const setup = await ctx.http.post('/api/mfa/totp/setup').set(bearer(doctor.token)).send({ password: PASSWORD }).expect(200);
    expect(Object.keys(setup.body).sort()).toEqual(['otpauthUri', 'qrSvg', 'secret', 'success']);
    const secret = setup.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauthUri).toBe(
      `otpauth://totp/MediSync:${encodeURIComponent(doctor.email)}?issuer=MediSync&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    );
    expect(setup.body.qrSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // pending: login still takes the password alone
    await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);

    const badConfirm = await ctx.http
      .post('/api/mfa/totp/confirm')
      .set(bearer(doctor.token))
      .send({ code: wrongCode(secret) })
      .expect(400);
    expectEnvelope(badConfirm.body, 400, 'VALIDATION_ERROR');
    expect(badConfirm.body.details).toEqual([{ field: 'code', message: 'code is incorrect or already used' }]);
    const confirm = await ctx.http
      .post('/api/mfa/totp/confirm')
      .set(bearer(doctor.token))
      .send({ code: await freshCode(secret) })
      .expect(200);
    expect(Object.keys(confirm.body).sort()).toEqual(['recoveryCodes', 'success']);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
    expect((await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(200)).body.user.mfaEnabled).toBe(true);
    const again = await ctx.http.post('/api/mfa/totp/setup').set(bearer(doctor.token)).send({ password: PASSWORD }).expect(409);
    expectEnvelope(again.body, 409, 'CONFLICT');

    const login = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD, remember: true }).expect(401);
    expectEnvelope(login.body, 401, 'MFA_REQUIRED', 'Multi-factor authentication required');
    expect(login.body).not.toHaveProperty('token');
    // the mfaToken is no access token
    expectEnvelope((await ctx.http.get('/api/users/me').set(bearer(login.body.mfaToken)).expect(401)).body, 401, 'TOKEN_INVALID');

    const done = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: login.body.mfaToken, code: await freshCode(secret) })
      .expect(200);
    expect(done.body).toMatchObject({ success: true, uid: doctor.uid, role: 'doctor', emailVerified: true });
    expect(claimsOf(done.body.token).amr).toEqual(['pwd', 'otp']);
    // remember carried through the second step: 30 days
    expect(new Date(done.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
    await ctx.http.get('/api/users/me').set(bearer(done.body.token)).expect(200);
    expect(claimsOf(doctor.token).amr).toEqual(['pwd']);
    // used once
    const reused = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: login.body.mfaToken, code: wrongCode(secret) })
      .expect(410);
    expectEnvelope(reused.body, 410, 'TOKEN_USED_OR_EXPIRED');

    // at rest: the secret is ciphertext (AES-256-GCM, bound to the account), recovery codes and mfaTokens are hashes
    const [row] = await sqlOn<{ secret_ciphertext: string; confirmed_at: Date | null }>(
      ctx.db,
      `SELECT secret_ciphertext, confirmed_at FROM mfa_totp WHERE user_id = $1`,
      [doctor.uid],
    );
    expect(row.confirmed_at).not.toBeNull();
    expect(row.secret_ciphertext).toMatch(/^v1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(row.secret_ciphertext).not.toContain(secret);
    expect(row.secret_ciphertext.toUpperCase()).not.toContain(secret.slice(0, 8));
    const hashes = await sqlOn<{ code_hash: string }>(ctx.db, `SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1`, [doctor.uid]);
    expect(hashes).toHaveLength(10);
    const stored = JSON.stringify(hashes);
    for (const code of confirm.body.recoveryCodes as string[]) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ''));
    }
    const tokens = await sqlOn<{ token_hash: string }>(ctx.db, `SELECT token_hash FROM mfa_challenges WHERE user_id = $1`, [doctor.uid]);
    expect(JSON.stringify(tokens)).not.toContain(login.body.mfaToken);

    const actions = (await auditActions(ctx, doctor.uid)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['mfa.enabled', 'mfa.failed', 'mfa.challenged', 'login.succeeded']));
    const succeeded = (await auditActions(ctx, doctor.uid)).filter((e) => e.action === 'login.succeeded').pop();
    expect(succeeded?.details).toEqual({ remember: true, amr: ['pwd', 'otp'], sessionId: expect.any(String) });
  });

  it('a code is accepted once: the same code on a second login is refused (and audited)', async () => {
    const doctor = await enrolledDoctor(ctx);
    const code = await freshCode(doctor.secret);
    await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), code })
      .expect(200);
    const replay = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), code })
      .expect(401);
    expectEnvelope(replay.body, 401, 'INVALID_CREDENTIALS');
    const failed = (await auditActions(ctx, doctor.uid)).filter((e) => e.action === 'mfa.failed');
    expect(failed.at(-1)?.details).toMatchObject({ stage: 'login', reason: 'replayed', attempt: 1 });
  });

  it('a recovery code works once, in any letter case and without dashes; a fresh set replaces the old one', async () => {
    const doctor = await enrolledDoctor(ctx);
    const [first, second] = doctor.recoveryCodes;
    const ok = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), recoveryCode: first.toLowerCase().replace(/-/g, '') })
      .expect(200);
    expect(claimsOf(ok.body.token).amr).toEqual(['pwd', 'otp']);
    const spent = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), recoveryCode: first })
      .expect(401);
    expectEnvelope(spent.body, 401, 'INVALID_CREDENTIALS');
    const both = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), recoveryCode: second, code: '123456' })
      .expect(400);
    expectEnvelope(both.body, 400, 'VALIDATION_ERROR');
    expectEnvelope((await ctx.http.post('/api/login/mfa').send({ mfaToken: 'x' }).expect(400)).body, 400, 'VALIDATION_ERROR');

    const fresh = await ctx.http
      .post('/api/mfa/recovery-codes')
      .set(bearer(ok.body.token))
      .send({ password: PASSWORD, code: await freshCode(doctor.secret) })
      .expect(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(fresh.body.recoveryCodes).not.toContain(second);
    await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), recoveryCode: second })
      .expect(401);
    await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), recoveryCode: fresh.body.recoveryCodes[0] })
      .expect(200);
    const actions = await auditActions(ctx, doctor.uid);
    const used = actions.filter((e) => e.action === 'mfa.recovery_code_used');
    expect(used.map((e) => e.details.remaining)).toEqual([9, 9]);
    expect(actions.map((e) => e.action)).toContain('mfa.recovery_codes_regenerated');
  });

  it('5 wrong codes kill the mfaToken and lock the login, like 5 wrong passwords', async () => {
    const doctor = await enrolledDoctor(ctx);
    const mfaToken = await mfaTokenFor(ctx, doctor.email);
    for (let i = 0; i < 5; i++) {
      const res = await ctx.http
        .post('/api/login/mfa')
        .send({ mfaToken, code: wrongCode(doctor.secret) })
        .expect(401);
      expectEnvelope(res.body, 401, 'INVALID_CREDENTIALS');
    }
    // the right code no longer helps: the mfaToken is dead
    const dead = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken, code: await freshCode(doctor.secret) })
      .expect(410);
    expectEnvelope(dead.body, 410, 'TOKEN_USED_OR_EXPIRED');
    // and the email is locked for this client, even with the right password
    const locked = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(429);
    expectEnvelope(locked.body, 429, 'ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const actions = await auditActions(ctx, doctor.uid);
    expect(actions.filter((e) => e.action === 'mfa.failed').map((e) => e.details.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(actions.find((e) => e.action === 'login.locked')?.details).toMatchObject({ scope: 'client', stage: 'mfa' });
  });

  it('an mfaToken is refused when unknown, and a right password alone no longer clears the lockout count', async () => {
    const unknown = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: 'A'.repeat(43), code: '123456' })
      .expect(410);
    expectEnvelope(unknown.body, 410, 'TOKEN_USED_OR_EXPIRED');
    const doctor = await enrolledDoctor(ctx);
    // 4 wrong codes on one mfaToken, then a right password (a new mfaToken) and one more wrong code: locked
    const first = await mfaTokenFor(ctx, doctor.email);
    for (let i = 0; i < 4; i++)
      await ctx.http
        .post('/api/login/mfa')
        .send({ mfaToken: first, code: wrongCode(doctor.secret) })
        .expect(401);
    const second = await mfaTokenFor(ctx, doctor.email);
    await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: second, code: wrongCode(doctor.secret) })
      .expect(401);
    expectEnvelope(
      (await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(429)).body,
      429,
      'ACCOUNT_LOCKED',
    );
  });

  it('turning MFA off needs the password and a current code, ends the user’s other sessions, and is audited', async () => {
    const doctor = await enrolledDoctor(ctx);
    // a second session, signed in with a recovery code
    const other = (
      await ctx.http
        .post('/api/login/mfa')
        .send({ mfaToken: await mfaTokenFor(ctx, doctor.email), recoveryCode: doctor.recoveryCodes[0] })
        .expect(200)
    ).body.token as string;
    await ctx.http.get('/api/users/me').set(bearer(other)).expect(200);
    const wrong = await ctx.http
      .delete('/api/mfa/totp')
      .set(bearer(doctor.token))
      .send({ password: PASSWORD, code: wrongCode(doctor.secret) })
      .expect(400);
    expectEnvelope(wrong.body, 400, 'VALIDATION_ERROR');
    await ctx.http
      .delete('/api/mfa/totp')
      .set(bearer(doctor.token))
      .send({ password: 'Wrong-Passw0rd', code: wrongCode(doctor.secret) })
      .expect(400);
    await ctx.http
      .delete('/api/mfa/totp')
      .set(bearer(doctor.token))
      .send({ password: PASSWORD, code: await freshCode(doctor.secret) })
      .expect(200);
    expect((await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(200)).body.user.mfaEnabled).toBe(false);
    expectEnvelope((await ctx.http.get('/api/users/me').set(bearer(other)).expect(401)).body, 401, 'TOKEN_REVOKED');
    const login = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);
    expect(claimsOf(login.body.token).amr).toEqual(['pwd']);
    expect(
      await sqlOn(ctx.db, `SELECT 1 FROM mfa_totp WHERE user_id = $1 UNION ALL SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1`, [
        doctor.uid,
      ]),
    ).toEqual([]);
    expect((await auditActions(ctx, doctor.uid)).map((e) => e.action)).toContain('mfa.disabled');
    expectEnvelope(
      (await ctx.http.delete('/api/mfa/totp').set(bearer(doctor.token)).send({ password: PASSWORD, code: '123456' }).expect(409)).body,
      409,
      'CONFLICT',
    );
  });

  it('an admin resets a locked-out user’s MFA: the next login takes the password alone (audited mfa.reset)', async () => {
    const doctor = await enrolledDoctor(ctx);
    const pending = await mfaTokenFor(ctx, doctor.email);
    const asDoctor = await ctx.http.delete(`/api/admin/users/${doctor.uid}/mfa`).set(bearer(doctor.token)).expect(403);
    expectEnvelope(asDoctor.body, 403, 'ROLE_REQUIRED');
    expectEnvelope((await ctx.http.delete(`/api/admin/users/${randomUUID()}/mfa`).set(bearer(admin)).expect(404)).body, 404, 'NOT_FOUND');
    const reset = await ctx.http.delete(`/api/admin/users/${doctor.uid}/mfa`).set(bearer(admin)).expect(200);
    expect(reset.body).toEqual({ success: true, message: 'Multi-factor authentication was reset' });
    // every session of the user ends with it
    expectEnvelope((await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(401)).body, 401, 'TOKEN_REVOKED');
    // a pending mfaToken dies with it
    await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: pending, code: await freshCode(doctor.secret) })
      .expect(410);
    const login = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);
    expect(login.body.token).toEqual(expect.any(String));
    const events = await ctx.http
      .get(`/api/admin/audit-events?targetId=${doctor.uid}&action=mfa.&limit=100`)
      .set(bearer(admin))
      .expect(200);
    expect(events.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['mfa.enabled', 'mfa.reset']));
    expect(events.body.data.find((e: { action: string }) => e.action === 'mfa.reset')).toMatchObject({ details: { wasEnabled: true } });
  });
});

describe('MFA_REQUIRED_ROLES=admin: admins enrol before anything else, and admin routes need the second factor', () => {
  const ADMIN = { email: 'policy.root@example.org', password: 'Adm1n-Passw0rd' };
  let ctx: TestContext;
  let adminId: string;
  let sessionId: string;
  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, MFA_REQUIRED_ROLES: 'admin' });
    [{ id: adminId }] = await sqlOn<{ id: string }>(ctx.db, `SELECT id FROM users WHERE email = $1`, [ADMIN.email]);
    // a session as a password-only login would have had before the policy (tokens name their session)
    [{ id: sessionId }] = await sqlOn<{ id: string }>(
      ctx.db,
      `INSERT INTO sessions (user_id, expires_at, token_version) VALUES ($1, now() + interval '1 hour', 0) RETURNING id`,
      [adminId],
    );
  });
  afterAll(async () => {
    await ctx.close();
  });

  const adminToken = (amr?: string[]) => {
    const iat = Math.floor(Date.now() / 1000);
    return sign({
      sub: adminId,
      userId: adminId,
      role: 'admin',
      jti: randomUUID(),
      sid: sessionId,
      tv: 0,
      iat,
      exp: iat + 600,
      iss: 'http://medisync.test',
      ...(amr ? { amr } : {}),
    });
  };

  it('an admin route refuses a password-only admin token (or one from before amr existed) with 403 MFA_REQUIRED', async () => {
    for (const token of [adminToken(['pwd']), adminToken()]) {
      for (const req of [
        ctx.http.get('/api/admin/users'),
        ctx.http.get('/api/admin/audit-events'),
        ctx.http.delete(`/api/admin/users/${adminId}/mfa`),
      ]) {
        const res = await req.set(bearer(token)).expect(403);
        expectEnvelope(res.body, 403, 'MFA_REQUIRED', 'Multi-factor authentication required');
      }
      // a route that is not an admin route does not ask
      await ctx.http.get('/api/users/me').set(bearer(token)).expect(200);
    }
    // amr is read strictly
    for (const amr of [['otp'], ['pwd', 'pwd'], ['pwd', 'sms'], []]) {
      expectEnvelope(
        (
          await ctx.http
            .get('/api/users/me')
            .set(bearer(adminToken(amr)))
            .expect(401)
        ).body,
        401,
        'TOKEN_INVALID',
      );
    }
    // MFA cannot be turned off while the role requires it
    const off = await ctx.http
      .delete('/api/mfa/totp')
      .set(bearer(adminToken(['pwd'])))
      .send({ password: ADMIN.password, code: '123456' })
      .expect(409);
    expectEnvelope(off.body, 409, 'CONFLICT');
  });

  it('a doctor is not affected; an admin without MFA gets only the right to enrol, and the enrolment completes the login', async () => {
    const doctor = await verifiedDoctor(ctx);
    expect(claimsOf(doctor.token).amr).toEqual(['pwd']);

    const login = await ctx.http.post('/api/login').send(ADMIN).expect(403);
    expectEnvelope(login.body, 403, 'MFA_ENROLLMENT_REQUIRED', 'Multi-factor authentication must be set up');
    const mfaToken = login.body.mfaToken as string;
    expect(mfaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // nothing but setup and confirm
    for (const req of [
      ctx.http.get('/api/users/me'),
      ctx.http.get('/api/admin/users'),
      ctx.http.post('/api/mfa/recovery-codes').send({ password: ADMIN.password, code: '123456' }),
      ctx.http.delete(`/api/admin/users/${doctor.uid}/mfa`),
      ctx.http.post('/api/logout'),
    ]) {
      expectEnvelope((await req.set(bearer(mfaToken)).expect(401)).body, 401, 'TOKEN_INVALID');
    }
    expectEnvelope(
      (await ctx.http.post('/api/login/mfa').send({ mfaToken, code: '123456' }).expect(410)).body,
      410,
      'TOKEN_USED_OR_EXPIRED',
    );

    const setup = await ctx.http.post('/api/mfa/totp/setup').set(bearer(mfaToken)).send({ password: ADMIN.password }).expect(200);
    const secret = setup.body.secret as string;
    const confirm = await ctx.http
      .post('/api/mfa/totp/confirm')
      .set(bearer(mfaToken))
      .send({ code: await freshCode(secret) })
      .expect(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(confirm.body.login).toMatchObject({ success: true, uid: adminId, role: 'admin' });
    expect(claimsOf(confirm.body.login.token).amr).toEqual(['pwd', 'otp']);
    await ctx.http.get('/api/admin/users').set(bearer(confirm.body.login.token)).expect(200);
    // the enrolment token is spent
    expectEnvelope(
      (await ctx.http.post('/api/mfa/totp/setup').set(bearer(mfaToken)).send({ password: ADMIN.password }).expect(401)).body,
      401,
      'TOKEN_INVALID',
    );

    // from now on the admin logs in with a code
    const next = await ctx.http.post('/api/login').send(ADMIN).expect(401);
    expectEnvelope(next.body, 401, 'MFA_REQUIRED');
    const done = await ctx.http
      .post('/api/login/mfa')
      .send({ mfaToken: next.body.mfaToken, code: await freshCode(secret) })
      .expect(200);
    await ctx.http.get('/api/admin/audit-events').set(bearer(done.body.token)).expect(200);
    const events = await auditActions(ctx, adminId);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['mfa.challenged', 'mfa.enabled', 'login.succeeded']));
    expect(events.find((e) => e.action === 'mfa.enabled')?.details).toEqual({ method: 'totp', via: 'enrolment' });
    expect(events.find((e) => e.action === 'mfa.challenged')?.details).toEqual({ purpose: 'enrol' });
  });

  it('the other roles may still use MFA of their own accord and turn it off', async () => {
    const doctor = await enrolledDoctor(ctx);
    await ctx.http
      .delete('/api/mfa/totp')
      .set(bearer(doctor.token))
      .send({ password: PASSWORD, code: await freshCode(doctor.secret) })
      .expect(200);
    expect((await ctx.http.get('/api/users/me').set(bearer(doctor.token)).expect(200)).body.user.mfaEnabled).toBe(false);
  });
});

describe('DATA_ENCRYPTION_KEY rotation: the old key is read, and secrets are re-encrypted under the new one', () => {
  const OLD = Buffer.alloc(32, 1).toString('base64');
  const NEW = Buffer.alloc(32, 2).toString('base64');
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('after a restart with the new key and the old one as previous, codes still work and the column is under the new key', async () => {
    const before = await startTestApp({ DATA_ENCRYPTION_KEY: OLD }, [], db);
    let doctor: Enrolled;
    let oldCiphertext: string;
    try {
      doctor = await enrolledDoctor(before);
      [{ secret_ciphertext: oldCiphertext }] = await sqlOn<{ secret_ciphertext: string }>(
        db,
        `SELECT secret_ciphertext FROM mfa_totp WHERE user_id = $1`,
        [doctor.uid],
      );
    } finally {
      await before.close();
    }

    // the new key alone cannot read it: 503 (the server's fault, no failure counted), and nothing is lost
    const newOnly = await startTestApp({ DATA_ENCRYPTION_KEY: NEW }, [], db);
    try {
      const res = await newOnly.http
        .post('/api/login/mfa')
        .send({ mfaToken: await mfaTokenFor(newOnly, doctor.email), code: wrongCode(doctor.secret) })
        .expect(503);
      expectEnvelope(res.body, 503, 'SERVICE_UNAVAILABLE');
      const [row] = await sqlOn<{ secret_ciphertext: string }>(db, `SELECT secret_ciphertext FROM mfa_totp WHERE user_id = $1`, [
        doctor.uid,
      ]);
      expect(row.secret_ciphertext).toBe(oldCiphertext);
    } finally {
      await newOnly.close();
    }

    const after = await startTestApp({ DATA_ENCRYPTION_KEY: NEW, DATA_ENCRYPTION_KEY_PREVIOUS: OLD }, [], db);
    try {
      // re-encrypted at start (compare-and-set), under another key id
      const [row] = await sqlOn<{ secret_ciphertext: string }>(db, `SELECT secret_ciphertext FROM mfa_totp WHERE user_id = $1`, [
        doctor.uid,
      ]);
      expect(row.secret_ciphertext).not.toBe(oldCiphertext);
      expect(row.secret_ciphertext.split('.')[1]).not.toBe(oldCiphertext.split('.')[1]);
      const login = await after.http
        .post('/api/login/mfa')
        .send({ mfaToken: await mfaTokenFor(after, doctor.email), code: await freshCode(doctor.secret) })
        .expect(200);
      expect(claimsOf(login.body.token).amr).toEqual(['pwd', 'otp']);
    } finally {
      await after.close();
    }
  });
});
