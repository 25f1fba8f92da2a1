import { createHmac, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { UsersService } from '../src/users/users.service';
import { expectEnvelope, startTestApp, TEST_JWT_SECRET, TestContext, verifiedDoctor } from './support/app';

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Signs a JWT by hand, so the tests can make the tokens an attacker would. */
function sign(payload: object, { alg = 'HS256', key = TEST_JWT_SECRET }: { alg?: string; key?: string } = {}): string {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  if (alg === 'none') return `${head}.`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${head}.${createHmac(hash, key).update(head).digest('base64url')}`;
}

describe('bearer tokens', () => {
  let ctx: TestContext;
  let doctor: { email: string; uid: string; token: string };
  let claims: Record<string, unknown>;
  beforeAll(async () => {
    ctx = await startTestApp();
    doctor = await verifiedDoctor(ctx);
    claims = JSON.parse(Buffer.from(doctor.token.split('.')[1], 'base64url').toString());
  });
  afterAll(async () => {
    await ctx.close();
  });

  const me = (authorization?: string) => {
    const req = ctx.http.get('/api/users/me');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  it('accepts a valid token (and the bearer scheme in any letter case)', async () => {
    await me(`Bearer ${doctor.token}`).expect(200);
    await me(`bearer ${doctor.token}`).expect(200);
  });

  it('401 AUTH_HEADER_MISSING without an Authorization header', async () => {
    const res = await me().expect(401);
    expectEnvelope(res.body, 401, 'AUTH_HEADER_MISSING', 'Authorization header is required');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer '], ['eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl'], ['Bearer a b']])(
    '401 AUTH_HEADER_INVALID for "%s"',
    async (header) => {
      const res = await me(header).expect(401);
      expectEnvelope(res.body, 401, 'AUTH_HEADER_INVALID', 'Invalid Authorization header format');
    },
  );

  it('never accepts a token outside the Authorization header (query string, cookie)', async () => {
    const q = await ctx.http.get(`/api/users/me?token=${doctor.token}&access_token=${doctor.token}`).expect(401);
    expectEnvelope(q.body, 401, 'AUTH_HEADER_MISSING');
    const c = await ctx.http.get('/api/users/me').set('Cookie', `token=${doctor.token}; access_token=${doctor.token}`).expect(401);
    expectEnvelope(c.body, 401, 'AUTH_HEADER_MISSING');
  });

  it.each([
    ['alg none', () => sign(claims, { alg: 'none' })],
    ['HS512 with the right key', () => sign(claims, { alg: 'HS512' })],
    ['HS256 with another key', () => sign(claims, { key: 'another-key-another-key-another-key-1234' })],
    ['a tampered payload', () => `${doctor.token.split('.')[0]}.${b64({ ...claims, role: 'admin' })}.${doctor.token.split('.')[2]}`],
    ['garbage', () => 'not.a.jwt'],
    ['an unknown user', () => sign({ ...claims, sub: randomUUID(), userId: randomUUID() })],
    ['missing claims', () => sign({ sub: claims.sub, iat: claims.iat, exp: claims.exp })],
  ])('401 TOKEN_INVALID for %s', async (_name, make) => {
    const res = await me(`Bearer ${make()}`).expect(401);
    expectEnvelope(res.body, 401, 'TOKEN_INVALID', 'Invalid token');
  });

  it('401 TOKEN_EXPIRED for an expired, correctly signed token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await me(`Bearer ${sign({ ...claims, iat: now - 7200, exp: now - 60 })}`).expect(401);
    expectEnvelope(res.body, 401, 'TOKEN_EXPIRED', 'Token has expired');
  });

  it('takes the role from the account, not from a stale token', async () => {
    const client = new Client({ connectionString: ctx.db.url });
    await client.connect();
    const other = await verifiedDoctor(ctx);
    await client.query(`UPDATE users SET role = 'patient' WHERE id = $1`, [other.uid]);
    await client.end();
    const res = await me(`Bearer ${other.token}`).expect(200);
    expect(res.body.user.role).toBe('patient');
  });

  it('a raised token version revokes the token (TOKEN_REVOKED)', async () => {
    const other = await verifiedDoctor(ctx);
    const client = new Client({ connectionString: ctx.db.url });
    await client.connect();
    await client.query(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [other.uid]);
    await client.end();
    const res = await me(`Bearer ${other.token}`).expect(401);
    expectEnvelope(res.body, 401, 'TOKEN_REVOKED', 'Token has been revoked');
  });

  it('refuses a token issued before sessions (no sid) as revoked, one naming another account’s session, and malformed sid or amr', async () => {
    const { sid, ...legacy } = claims;
    expect(typeof sid).toBe('string');
    expectEnvelope((await me(`Bearer ${sign({ ...legacy, amr: undefined })}`).expect(401)).body, 401, 'TOKEN_REVOKED');
    const other = await verifiedDoctor(ctx);
    const otherSid = JSON.parse(Buffer.from(other.token.split('.')[1], 'base64url').toString()).sid as string;
    expectEnvelope((await me(`Bearer ${sign({ ...claims, sid: otherSid })}`).expect(401)).body, 401, 'TOKEN_REVOKED');
    for (const bad of [{ sid: 'not-a-uuid' }, { sid: 42 }, { amr: 'pwd' }, { amr: ['pwd', 'sms'] }]) {
      expectEnvelope((await me(`Bearer ${sign({ ...claims, ...bad })}`).expect(401)).body, 401, 'TOKEN_INVALID');
    }
  });
});

describe('bootstrap admin', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ' Root@Example.org ', BOOTSTRAP_ADMIN_PASSWORD: 'Adm1n-Passw0rd' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('creates a verified admin from BOOTSTRAP_ADMIN_EMAIL/PASSWORD who can log in', async () => {
    const res = await ctx.http.post('/api/login').send({ email: 'root@example.org', password: 'Adm1n-Passw0rd' }).expect(200);
    expect(res.body).toMatchObject({ role: 'admin', emailVerified: true });
    expect(res.body.permissions).toEqual({
      canManageUsers: true,
      canCreateAppointments: true,
      canUseAiFeatures: true,
      canViewAnalytics: true,
      canAccessFhirResources: true,
    });
  });

  it('does not create a second admin at the next start', async () => {
    const users = ctx.app.get(UsersService);
    await users.onApplicationBootstrap();
    const client = new Client({ connectionString: ctx.db.url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
    await client.end();
    expect(rows[0].n).toBe(1);
  });
});
