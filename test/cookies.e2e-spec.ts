import { randomUUID } from 'node:crypto';
import { csrfTokenFor, SESSION_COOKIE } from '../src/auth/cookie-auth';
import { expectEnvelope, PASSWORD, startTestApp, TestContext, verifiedDoctor } from './support/app';

/**
 * Browser sessions by cookie (contract, "Pages and the admin console", v2), over real HTTP: the cookie
 * only with AUTH_COOKIES=true and `cookie: true`, its attributes, the CSRF rule on unsafe methods,
 * the bearer header winning, and logout clearing it.
 */
const cookieOf = (setCookie: string | string[] | undefined): string => {
  const line = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((l) => l.startsWith(`${SESSION_COOKIE}=`));
  if (!line) throw new Error('no session cookie set');
  return line;
};
const valueOf = (line: string) => line.slice(SESSION_COOKIE.length + 1).split(';')[0];

describe('cookie sessions (AUTH_COOKIES=true)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp({ AUTH_COOKIES: 'true' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  /** A verified doctor signed in with `cookie: true`: the cookie header to send, and the CSRF token. */
  const cookieSession = async () => {
    const doctor = await verifiedDoctor(ctx);
    const res = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD, cookie: true }).expect(200);
    const line = cookieOf(res.headers['set-cookie']);
    return { doctor, res, line, cookie: `${SESSION_COOKIE}=${valueOf(line)}`, csrf: res.body.csrfToken as string };
  };

  it('a login with cookie: true sets the token in a __Host- cookie (HttpOnly; Secure; SameSite=Strict; Path=/) and answers a CSRF token instead of the token', async () => {
    const { res, line, csrf } = await cookieSession();
    expect(line).toMatch(/; HttpOnly(;|$)/);
    expect(line).toMatch(/; Secure(;|$)/);
    expect(line).toMatch(/; SameSite=Strict(;|$)/);
    expect(line).toMatch(/; Path=\/(;|$)/);
    expect(line).not.toMatch(/Domain=/i);
    const maxAge = Number(/Max-Age=(\d+)/.exec(line)![1]);
    expect(maxAge).toBeGreaterThan(23 * 3600);
    expect(maxAge).toBeLessThanOrEqual(24 * 3600);
    expect(res.body.token).toBeUndefined();
    expect(csrf).toBe(csrfTokenFor(valueOf(line)));
    expect(res.body).toMatchObject({ success: true, role: 'doctor', emailVerified: true });
  });

  it('without cookie: true a login is as before: the token in the body, no cookie', async () => {
    const doctor = await verifiedDoctor(ctx);
    const res = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.csrfToken).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('the cookie authenticates safe requests; unsafe ones need the matching X-CSRF-Token, else 403 CSRF_INVALID', async () => {
    const { doctor, cookie, csrf } = await cookieSession();
    const me = await ctx.http.get('/api/users/me').set('Cookie', cookie).expect(200);
    expect(me.body.user.id).toBe(doctor.uid);

    const missing = await ctx.http.patch('/api/users/me').set('Cookie', cookie).send({ specialty: 'Neurology' }).expect(403);
    expectEnvelope(missing.body, 403, 'CSRF_INVALID', 'Invalid CSRF token');
    const wrong = await ctx.http
      .patch('/api/users/me')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrfTokenFor('another-token'))
      .send({ specialty: 'Neurology' })
      .expect(403);
    expectEnvelope(wrong.body, 403, 'CSRF_INVALID');
    // before anything else about the route (role, ownership, body)
    for (const [method, path] of [
      ['post', '/api/subscriptions/trial'],
      ['put', `/api/admin/users/${doctor.uid}/subscription`],
      ['delete', `/api/patients/${randomUUID()}`],
    ] as const) {
      const res = await ctx.http[method](path).set('Cookie', cookie).expect(403);
      expectEnvelope(res.body, 403, 'CSRF_INVALID');
    }
    expect((await ctx.http.get('/api/subscriptions/me').set('Cookie', cookie).expect(200)).body.subscription).toBeNull();
    // nothing changed
    expect((await ctx.http.get('/api/users/me').set('Cookie', cookie).expect(200)).body.user.specialty).toBe('Cardiology');

    const ok = await ctx.http
      .patch('/api/users/me')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ specialty: 'Neurology' })
      .expect(200);
    expect(ok.body.user.specialty).toBe('Neurology');
  });

  it('the bearer header wins when both are present: its user, its errors, and no CSRF rule', async () => {
    const { cookie } = await cookieSession();
    const other = await verifiedDoctor(ctx);
    const me = await ctx.http.get('/api/users/me').set('Cookie', cookie).set('Authorization', `Bearer ${other.token}`).expect(200);
    expect(me.body.user.id).toBe(other.uid);
    // a bad header is refused even with a good cookie beside it
    const bad = await ctx.http.get('/api/users/me').set('Cookie', cookie).set('Authorization', 'Bearer not.a.jwt').expect(401);
    expectEnvelope(bad.body, 401, 'TOKEN_INVALID');
    const basic = await ctx.http.get('/api/users/me').set('Cookie', cookie).set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
    expectEnvelope(basic.body, 401, 'AUTH_HEADER_INVALID');
    // an unsafe request authenticated by the header needs no CSRF token
    await ctx.http
      .patch('/api/users/me')
      .set('Cookie', cookie)
      .set('Authorization', `Bearer ${other.token}`)
      .send({ specialty: 'Dermatology' })
      .expect(200);
  });

  it('a cookie that is not a valid token is 401 like a bad bearer token; a cookie under another name is no credential', async () => {
    const res = await ctx.http.get('/api/users/me').set('Cookie', `${SESSION_COOKIE}=not.a.jwt`).expect(401);
    expectEnvelope(res.body, 401, 'TOKEN_INVALID');
    const { line } = await cookieSession();
    const renamed = await ctx.http
      .get('/api/users/me')
      .set('Cookie', `medisync_session=${valueOf(line)}`)
      .expect(401);
    expectEnvelope(renamed.body, 401, 'AUTH_HEADER_MISSING');
  });

  it('public routes ignore the cookie (no CSRF rule on a login)', async () => {
    const { doctor, cookie } = await cookieSession();
    await ctx.http.post('/api/login').set('Cookie', cookie).send({ email: doctor.email, password: PASSWORD }).expect(200);
  });

  it('POST /api/logout (with the CSRF token) revokes the token and clears the cookie', async () => {
    const { cookie, csrf } = await cookieSession();
    const refused = await ctx.http.post('/api/logout').set('Cookie', cookie).expect(403);
    expectEnvelope(refused.body, 403, 'CSRF_INVALID');
    const res = await ctx.http.post('/api/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(200);
    const cleared = cookieOf(res.headers['set-cookie']);
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(cleared).toMatch(/Max-Age=0/);
    expect(cleared).toMatch(/; Secure(;|$)/);
    const after = await ctx.http.get('/api/users/me').set('Cookie', cookie).expect(401);
    expectEnvelope(after.body, 401, 'TOKEN_REVOKED');
  });

  it('a cookie: true login that fails sets no cookie', async () => {
    const doctor = await verifiedDoctor(ctx);
    const res = await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Wrong-Passw0rd', cookie: true }).expect(401);
    expectEnvelope(res.body, 401, 'INVALID_CREDENTIALS');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('cookie sessions off (AUTH_COOKIES unset, the default)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('cookie: true is refused before the password is checked (400 naming cookie), and a session cookie is no credential', async () => {
    const doctor = await verifiedDoctor(ctx);
    const res = await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD, cookie: true }).expect(400);
    expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['cookie']);
    expect(res.headers['set-cookie']).toBeUndefined();
    const me = await ctx.http.get('/api/users/me').set('Cookie', `${SESSION_COOKIE}=${doctor.token}`).expect(401);
    expectEnvelope(me.body, 401, 'AUTH_HEADER_MISSING');
  });
});
