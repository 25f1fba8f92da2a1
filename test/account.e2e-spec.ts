import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { expectEnvelope, PASSWORD, registration, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';
import { tokenFrom } from './support/smtp';

describe('account lifecycle (register, verify, log in, profile, passwords)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  describe('POST /api/register', () => {
    it('creates an unverified doctor, stores email lower-cased and mails a verification link under APP_URL', async () => {
      const email = uniqueEmail('Reg');
      const res = await ctx.http
        .post('/api/register')
        .send(registration(`  ${email.toUpperCase()} `))
        .expect(201);
      expect(res.body).toEqual({
        success: true,
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: email.toLowerCase(),
        emailVerified: false,
      });
      const mail = await ctx.mailbox.waitFor(email);
      expect(mail.text).toContain('http://medisync.test/verify-email?token=');
      expect(mail.html).toContain('http://medisync.test/verify-email?token=');
      expect(tokenFrom(mail)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('always makes a doctor and refuses role, emailVerified or id in the body', async () => {
      for (const extra of [{ role: 'admin' }, { emailVerified: true }, { id: '00000000-0000-0000-0000-000000000000' }]) {
        const res = await ctx.http.post('/api/register').send(registration(uniqueEmail(), extra)).expect(400);
        expectEnvelope(res.body, 400, 'VALIDATION_ERROR', 'Validation failed');
        expect(res.body.details).toEqual([{ field: Object.keys(extra)[0], message: `${Object.keys(extra)[0]} is not allowed` }]);
      }
    });

    it.each([
      ['short', 'Ab1'],
      ['no upper-case', 'lowercase1only'],
      ['no lower-case', 'UPPERCASE1ONLY'],
      ['no digit', 'NoDigitsHere'],
      ['too long', `Aa1${'x'.repeat(126)}`],
    ])('refuses a password that is %s, naming password', async (_why, password) => {
      const res = await ctx.http.post('/api/register').send(registration(uniqueEmail(), { password })).expect(400);
      expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['password']);
    });

    it('accepts a 128-character password and verifies the exact string (no trimming, no case folding)', async () => {
      const password = ` Aa1${'z'.repeat(123)} `;
      expect(password).toHaveLength(128);
      const email = uniqueEmail();
      await ctx.http.post('/api/register').send(registration(email, { password })).expect(201);
      await ctx.http
        .post('/api/verification/verify')
        .send({ token: tokenFrom(await ctx.mailbox.waitFor(email)) })
        .expect(200);
      await ctx.http.post('/api/login').send({ email, password: password.trim() }).expect(401);
      await ctx.http.post('/api/login').send({ email, password: password.toLowerCase() }).expect(401);
      await ctx.http.post('/api/login').send({ email, password }).expect(200);
    });

    it('refuses missing and wrongly typed fields with details per field', async () => {
      const res = await ctx.http.post('/api/register').send({ email: 'not-an-email', firstName: 42, password: PASSWORD }).expect(400);
      expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
      const fields = new Set(res.body.details.map((d: { field: string }) => d.field));
      // all eight registration fields are required (contract: MediSync's "Required Fields")
      expect(fields).toEqual(new Set(['email', 'firstName', 'lastName', 'title', 'specialty', 'ehr_system_type', 'ehr_system_name']));
    });

    it('answers 409 EMAIL_TAKEN for an email registered in another letter case', async () => {
      const email = uniqueEmail();
      await ctx.http.post('/api/register').send(registration(email)).expect(201);
      const res = await ctx.http.post('/api/register').send(registration(email.toUpperCase())).expect(409);
      expectEnvelope(res.body, 409, 'EMAIL_TAKEN', 'Email already registered');
    });

    it('lets exactly one of 20 concurrent registrations of one email win, whatever the letter case', async () => {
      const email = uniqueEmail('race');
      const variants = Array.from({ length: 20 }, (_, i) => (i % 2 ? email.toUpperCase() : email));
      const results = await Promise.all(variants.map((e) => ctx.http.post('/api/register').send(registration(e))));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('EMAIL_TAKEN');
    });
  });

  describe('verification', () => {
    it('verifies through the emailed GET link; the token is single use (410 afterwards)', async () => {
      const email = uniqueEmail();
      await ctx.http.post('/api/register').send(registration(email)).expect(201);
      const token = tokenFrom(await ctx.mailbox.waitFor(email));
      const res = await ctx.http.get(`/api/verification/verify?token=${token}`).expect(200);
      expect(res.body).toEqual({ success: true, emailVerified: true });
      const again = await ctx.http.post('/api/verification/verify').send({ token }).expect(410);
      expectEnvelope(again.body, 410, 'TOKEN_USED_OR_EXPIRED');
    });

    it('gives exactly one success when one token is raced 10 times', async () => {
      const email = uniqueEmail();
      await ctx.http.post('/api/register').send(registration(email)).expect(201);
      const token = tokenFrom(await ctx.mailbox.waitFor(email));
      const results = await Promise.all(Array.from({ length: 10 }, () => ctx.http.post('/api/verification/verify').send({ token })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 410)).toHaveLength(9);
    });

    it('answers 410 for unknown and malformed tokens and 400 for a missing one', async () => {
      await ctx.http
        .post('/api/verification/verify')
        .send({ token: 'A'.repeat(43) })
        .expect(410);
      await ctx.http.post('/api/verification/verify').send({ token: 'nope' }).expect(410);
      await ctx.http.get('/api/verification/verify').expect(400);
      const res = await ctx.http.post('/api/verification/verify').send({}).expect(400);
      expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
    });

    it('stores tokens only as SHA-256 hashes', async () => {
      const email = uniqueEmail();
      const reg = await ctx.http.post('/api/register').send(registration(email)).expect(201);
      const token = tokenFrom(await ctx.mailbox.waitFor(email));
      const client = new Client({ connectionString: ctx.db.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT token_hash, payload FROM one_time_tokens WHERE user_id = $1`, [reg.body.uid]);
        expect(rows).toHaveLength(1);
        expect(Buffer.from(rows[0].token_hash).equals(createHash('sha256').update(token).digest())).toBe(true);
        const everything = JSON.stringify((await client.query(`SELECT * FROM one_time_tokens`)).rows);
        expect(everything).not.toContain(token);
      } finally {
        await client.end();
      }
    });

    it('expires a verification token after 24 hours', async () => {
      const email = uniqueEmail();
      const reg = await ctx.http.post('/api/register').send(registration(email)).expect(201);
      const token = tokenFrom(await ctx.mailbox.waitFor(email));
      const client = new Client({ connectionString: ctx.db.url });
      await client.connect();
      const { rows } = await client.query(
        `SELECT extract(epoch FROM expires_at - created_at) AS ttl FROM one_time_tokens WHERE user_id = $1`,
        [reg.body.uid],
      );
      expect(Number(rows[0].ttl)).toBeCloseTo(24 * 3600, -1);
      await client.query(`UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [reg.body.uid]);
      await client.end();
      await ctx.http.post('/api/verification/verify').send({ token }).expect(410);
    });

    it('resend: 202 for unknown, unverified and verified emails alike; only the unverified account gets mail, and the old link stops working', async () => {
      const email = uniqueEmail();
      await ctx.http.post('/api/register').send(registration(email)).expect(201);
      const first = tokenFrom(await ctx.mailbox.waitFor(email, 1));
      const a = await ctx.http.post('/api/verification/resend').send({ email: email.toUpperCase() }).expect(202);
      const b = await ctx.http
        .post('/api/verification/resend')
        .send({ email: uniqueEmail('ghost') })
        .expect(202);
      expect(a.body).toEqual(b.body);
      const second = tokenFrom(await ctx.mailbox.waitFor(email, 2));
      expect(second).not.toBe(first);
      await ctx.http.post('/api/verification/verify').send({ token: first }).expect(410);
      await ctx.http.post('/api/verification/verify').send({ token: second }).expect(200);
      await ctx.http.post('/api/verification/resend').send({ email }).expect(202);
      const verified = await verifiedDoctor(ctx);
      await ctx.http.post('/api/verification/resend').send({ email: verified.email }).expect(202);
      await new Promise((r) => setTimeout(r, 500));
      expect(ctx.mailbox.countTo(email)).toBe(2);
      expect(ctx.mailbox.countTo(verified.email)).toBe(1);
    });
  });

  describe('POST /api/login', () => {
    it('returns the contract fields, a 24 h token with the contract claims, and permissions', async () => {
      const email = uniqueEmail();
      await ctx.http.post('/api/register').send(registration(email)).expect(201);
      await ctx.http
        .post('/api/verification/verify')
        .send({ token: tokenFrom(await ctx.mailbox.waitFor(email)) })
        .expect(200);
      const before = Date.now();
      const res = await ctx.http
        .post('/api/login')
        .send({ email: ` ${email.toUpperCase()} `, password: PASSWORD })
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'emailVerified',
          'expiresAt',
          'firstName',
          'lastName',
          'permissions',
          'refreshToken',
          'role',
          'sessionId',
          'success',
          'token',
          'uid',
          'userTitle',
        ].sort(),
      );
      expect(res.body).toMatchObject({
        success: true,
        userTitle: 'Dr.',
        firstName: 'Jane',
        lastName: 'Doe',
        role: 'doctor',
        emailVerified: true,
      });
      expect(res.body.permissions).toEqual({
        canManageUsers: false,
        canCreateAppointments: false,
        canUseAiFeatures: false,
        canViewAnalytics: false,
        canAccessFhirResources: false,
      });
      const [header, payload] = (res.body.token as string)
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header.alg).toBe('HS256');
      expect(payload).toMatchObject({ sub: res.body.uid, userId: res.body.uid, role: 'doctor' });
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
      expect(payload).toMatchObject({ sid: res.body.sessionId, amr: ['pwd'] });
      expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(payload.exp - payload.iat).toBe(24 * 3600);
      expect(Math.abs(new Date(res.body.expiresAt).getTime() - (before + 24 * 3600 * 1000))).toBeLessThan(5000);
      expect(JSON.stringify(res.body)).not.toMatch(/argon2|password/i);
    });

    it('issues a 30-day token with remember: true and refuses remember: "true" (no implicit conversion)', async () => {
      const doctor = await verifiedDoctor(ctx);
      const res = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD, remember: true }).expect(200);
      const payload = JSON.parse(Buffer.from((res.body.token as string).split('.')[1], 'base64url').toString());
      expect(payload.exp - payload.iat).toBe(30 * 24 * 3600);
      const bad = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD, remember: 'true' }).expect(400);
      expect(bad.body.details[0].field).toBe('remember');
    });

    it('answers INVALID_CREDENTIALS for a wrong password (verified or not) and an unknown email, EMAIL_NOT_VERIFIED only with the right password', async () => {
      const unverified = uniqueEmail();
      await ctx.http.post('/api/register').send(registration(unverified)).expect(201);
      const verified = await verifiedDoctor(ctx);
      for (const body of [
        { email: unverified, password: 'Wrong-Passw0rd' },
        { email: verified.email, password: 'Wrong-Passw0rd' },
        { email: uniqueEmail('nobody'), password: PASSWORD },
      ]) {
        const res = await ctx.http.post('/api/login').send(body).expect(401);
        expectEnvelope(res.body, 401, 'INVALID_CREDENTIALS', 'Invalid email or password');
      }
      const res = await ctx.http.post('/api/login').send({ email: unverified, password: PASSWORD }).expect(403);
      expectEnvelope(res.body, 403, 'EMAIL_NOT_VERIFIED', 'Email verification required');
    });

    it('stores passwords as argon2id with m >= 19456 KiB, t >= 2', async () => {
      const doctor = await verifiedDoctor(ctx);
      const client = new Client({ connectionString: ctx.db.url });
      await client.connect();
      const { rows } = await client.query(`SELECT password_hash FROM users WHERE id = $1`, [doctor.uid]);
      await client.end();
      const [, algorithm, , params] = (rows[0].password_hash as string).split('$');
      expect(algorithm).toBe('argon2id');
      const p: Record<string, string> = Object.fromEntries(
        params.split(',').map((kv): [string, string] => {
          const [k, v] = kv.split('=');
          return [k, v];
        }),
      );
      expect(Number(p.m)).toBeGreaterThanOrEqual(19456);
      expect(Number(p.t)).toBeGreaterThanOrEqual(2);
      expect(Number(p.p)).toBeGreaterThanOrEqual(1);
    });
  });

  describe('/api/users/me', () => {
    it('returns the account without any hash or counter', async () => {
      const doctor = await verifiedDoctor(ctx);
      const res = await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(200);
      expect(res.body.success).toBe(true);
      expect(res.body.user).toMatchObject({
        id: doctor.uid,
        email: doctor.email,
        role: 'doctor',
        title: 'Dr.',
        firstName: 'Jane',
        lastName: 'Doe',
        specialty: 'Cardiology',
        ehr_system_type: 'cloud',
        ehr_system_name: 'OpenEMR',
        emailVerified: true,
        mfaEnabled: false,
      });
      expect(Object.keys(res.body.user).sort()).toEqual([
        'createdAt',
        'ehr_system_name',
        'ehr_system_type',
        'email',
        'emailVerified',
        'firstName',
        'id',
        'lastName',
        'mfaEnabled',
        'role',
        'specialty',
        'title',
        'updatedAt',
      ]);
    });

    it('PATCH changes profile fields only', async () => {
      const doctor = await verifiedDoctor(ctx);
      const auth = `Bearer ${doctor.token}`;
      const res = await ctx.http
        .patch('/api/users/me')
        .set('Authorization', auth)
        .send({ firstName: ' Janet ', specialty: 'Neurology' })
        .expect(200);
      expect(res.body.user).toMatchObject({ firstName: 'Janet', lastName: 'Doe', specialty: 'Neurology' });
      for (const forbidden of [{ email: 'x@example.org' }, { role: 'admin' }, { emailVerified: false }, { password: PASSWORD }]) {
        const bad = await ctx.http.patch('/api/users/me').set('Authorization', auth).send(forbidden).expect(400);
        expectEnvelope(bad.body, 400, 'VALIDATION_ERROR');
      }
      await ctx.http.patch('/api/users/me').set('Authorization', auth).send({ firstName: '' }).expect(400);
      await ctx.http.patch('/api/users/me').set('Authorization', auth).send({ firstName: null }).expect(400);
      const me = await ctx.http.get('/api/users/me').set('Authorization', auth).expect(200);
      expect(me.body.user).toMatchObject({ email: doctor.email, role: 'doctor', firstName: 'Janet' });
    });

    it('password change needs the current password and revokes every earlier token', async () => {
      const doctor = await verifiedDoctor(ctx);
      const other = (await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
      const wrong = await ctx.http
        .post('/api/users/me/password')
        .set('Authorization', `Bearer ${doctor.token}`)
        .send({ currentPassword: 'Wrong-Passw0rd', newPassword: 'New-Passw0rd' })
        .expect(400);
      expect(wrong.body.details).toEqual([{ field: 'currentPassword', message: 'currentPassword is incorrect' }]);
      const weak = await ctx.http
        .post('/api/users/me/password')
        .set('Authorization', `Bearer ${doctor.token}`)
        .send({ currentPassword: PASSWORD, newPassword: 'weak' })
        .expect(400);
      expect(weak.body.details[0].field).toBe('newPassword');
      await ctx.http
        .post('/api/users/me/password')
        .set('Authorization', `Bearer ${doctor.token}`)
        .send({ currentPassword: PASSWORD, newPassword: 'New-Passw0rd' })
        .expect(200);
      for (const token of [doctor.token, other]) {
        const res = await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${token}`).expect(401);
        expectEnvelope(res.body, 401, 'TOKEN_REVOKED', 'Token has been revoked');
      }
      await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(401);
      const fresh = await ctx.http.post('/api/login').send({ email: doctor.email, password: 'New-Passw0rd' }).expect(200);
      await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${fresh.body.token}`).expect(200);
    });
  });

  describe('logout', () => {
    it('revokes only the token used, which is then TOKEN_REVOKED', async () => {
      const doctor = await verifiedDoctor(ctx);
      const second = (await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
      await ctx.http.post('/api/logout').set('Authorization', `Bearer ${doctor.token}`).expect(200);
      const res = await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(401);
      expectEnvelope(res.body, 401, 'TOKEN_REVOKED', 'Token has been revoked');
      await ctx.http.post('/api/logout').set('Authorization', `Bearer ${doctor.token}`).expect(401);
      await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${second}`).expect(200);
    });
  });

  describe('password reset', () => {
    it('a password change retires reset links sent before it', async () => {
      const doctor = await verifiedDoctor(ctx);
      await ctx.http.post('/api/password/forgot').send({ email: doctor.email }).expect(202);
      const token = tokenFrom(await ctx.mailbox.waitFor(doctor.email, 2));
      await ctx.http
        .post('/api/users/me/password')
        .set('Authorization', `Bearer ${doctor.token}`)
        .send({ currentPassword: PASSWORD, newPassword: 'Newer-Passw0rd' })
        .expect(200);
      expectEnvelope(
        (await ctx.http.post('/api/password/reset').send({ token, password: 'Attacker-Passw0rd' }).expect(410)).body,
        410,
        'TOKEN_USED_OR_EXPIRED',
      );
      await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Newer-Passw0rd' }).expect(200);
    });

    it('forgot: 202 whatever the email; the mailed single-use token resets the password and revokes earlier tokens', async () => {
      const doctor = await verifiedDoctor(ctx);
      const a = await ctx.http.post('/api/password/forgot').send({ email: doctor.email.toUpperCase() }).expect(202);
      const b = await ctx.http
        .post('/api/password/forgot')
        .send({ email: uniqueEmail('ghost') })
        .expect(202);
      expect(a.body).toEqual(b.body);
      const mail = await ctx.mailbox.waitFor(doctor.email, 2);
      expect(mail.subject).toMatch(/reset/i);
      expect(mail.text).toContain('http://medisync.test/');
      const token = tokenFrom(mail);
      const weak = await ctx.http.post('/api/password/reset').send({ token, password: 'short' }).expect(400);
      expect(weak.body.details[0].field).toBe('password');
      await ctx.http.post('/api/password/reset').send({ token, password: 'Reset-Passw0rd' }).expect(200);
      const again = await ctx.http.post('/api/password/reset').send({ token, password: 'Other-Passw0rd' }).expect(410);
      expectEnvelope(again.body, 410, 'TOKEN_USED_OR_EXPIRED');
      const old = await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(401);
      expect(old.body.code).toBe('TOKEN_REVOKED');
      await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(401);
      await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Reset-Passw0rd' }).expect(200);
    });

    it('a reset token expires after an hour and cannot verify an email', async () => {
      const doctor = await verifiedDoctor(ctx);
      await ctx.http.post('/api/password/forgot').send({ email: doctor.email }).expect(202);
      const token = tokenFrom(await ctx.mailbox.waitFor(doctor.email, 2));
      await ctx.http.post('/api/verification/verify').send({ token }).expect(410);
      const client = new Client({ connectionString: ctx.db.url });
      await client.connect();
      const { rows } = await client.query(
        `SELECT extract(epoch FROM expires_at - created_at) AS ttl FROM one_time_tokens WHERE user_id = $1 AND purpose = 'password_reset'`,
        [doctor.uid],
      );
      expect(Number(rows[0].ttl)).toBeCloseTo(3600, -1);
      await client.query(
        `UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'password_reset'`,
        [doctor.uid],
      );
      await client.end();
      await ctx.http.post('/api/password/reset').send({ token, password: 'Reset-Passw0rd' }).expect(410);
    });
  });
});
