import fc from 'fast-check';
import { expectEnvelope, startTestApp, TestContext, verifiedDoctor } from './support/app';

/** Any JSON value an attacker might send in a field. */
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '"; DROP TABLE users; --',
    '%',
    '_',
    '\\',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'NaN',
    'Infinity',
    '1e308',
    '',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }),
);

/** A body built from the route's fields with some replaced by hostile values, plus sometimes an unknown or prototype key. */
const bodyFor = (fields: string[], valid: Record<string, unknown>) =>
  fc
    .record({
      replace: fc.subarray(fields),
      values: fc.array(hostile, { minLength: fields.length, maxLength: fields.length }),
      extra: fc.option(fc.constantFrom('__proto__', 'constructor', 'role', 'id', 'emailVerified', 'x'), { nil: undefined }),
      extraValue: hostile,
    })
    .map(({ replace, values, extra, extraValue }) => {
      const body: Record<string, unknown> = { ...valid };
      replace.forEach((f, i) => (body[f] = values[i]));
      return extra
        ? `${JSON.stringify(body).slice(0, -1)}${Object.keys(body).length ? ',' : ''}${JSON.stringify(extra)}:${JSON.stringify(extraValue ?? null)}}`
        : JSON.stringify(body);
    });

const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

describe('hostile input never yields a 5xx, and every error is the envelope', () => {
  let ctx: TestContext;
  let doctorToken: string; // the caller of the /api/users/me routes: none of them can disable it
  let adminToken: string;
  let targetId: string; // the account the admin routes change (they may disable it): nobody else's
  let tried = 0;

  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'root@example.org', BOOTSTRAP_ADMIN_PASSWORD: 'Adm1n-Passw0rd', LOGIN_LOCKOUT: '0' });
    doctorToken = (await verifiedDoctor(ctx)).token;
    targetId = (await verifiedDoctor(ctx)).uid;
    adminToken = (await ctx.http.post('/api/login').send({ email: 'root@example.org', password: 'Adm1n-Passw0rd' }).expect(200)).body.token;
  });
  afterAll(async () => {
    console.log(`hostile-input: ${tried} generated requests`);
    await ctx.close();
  });

  const routes: Array<{
    method: 'post' | 'patch' | 'put';
    path: () => string;
    fields: string[];
    valid: Record<string, unknown>;
    token?: () => string;
  }> = [
    {
      method: 'post',
      path: () => '/api/register',
      fields: ['title', 'firstName', 'lastName', 'email', 'password', 'specialty', 'ehr_system_type', 'ehr_system_name'],
      valid: { firstName: 'A', lastName: 'B', email: 'x@example.org', password: 'Str0ng-Passw0rd' },
    },
    {
      method: 'post',
      path: () => '/api/login',
      fields: ['email', 'password', 'remember'],
      valid: { email: 'x@example.org', password: 'Str0ng-Passw0rd' },
    },
    { method: 'post', path: () => '/api/verification/verify', fields: ['token'], valid: { token: 'A'.repeat(43) } },
    { method: 'post', path: () => '/api/verification/resend', fields: ['email'], valid: { email: 'x@example.org' } },
    { method: 'post', path: () => '/api/password/forgot', fields: ['email'], valid: { email: 'x@example.org' } },
    {
      method: 'post',
      path: () => '/api/password/reset',
      fields: ['token', 'password'],
      valid: { token: 'A'.repeat(43), password: 'Str0ng-Passw0rd' },
    },
    {
      method: 'patch',
      path: () => '/api/users/me',
      fields: ['title', 'firstName', 'lastName', 'specialty', 'ehr_system_type', 'ehr_system_name'],
      valid: {},
      token: () => doctorToken,
    },
    {
      method: 'post',
      path: () => '/api/users/me/password',
      fields: ['currentPassword', 'newPassword'],
      valid: { currentPassword: 'x', newPassword: 'Str0ng-Passw0rd' },
      token: () => doctorToken,
    },
    {
      method: 'patch',
      path: () => `/api/admin/users/${targetId}`,
      fields: ['role', 'disabled'],
      valid: { disabled: false },
      token: () => adminToken,
    },
    {
      method: 'put',
      path: () => `/api/admin/users/${targetId}/subscription`,
      fields: ['plan', 'status', 'currentPeriodEnd'],
      valid: { plan: 'basic', status: 'active', currentPeriodEnd: '2030-01-01T00:00:00Z' },
      token: () => adminToken,
    },
  ];

  it.each(routes.map((r) => [`${r.method.toUpperCase()} ${r.path.toString().replace(/^.*=>\s*/, '')}`, r]))('%s', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(bodyFor(route.fields, route.valid), async (raw) => {
        tried++;
        let req = ctx.http[route.method](route.path()).set('Content-Type', 'application/json');
        if (route.token) req = req.set('Authorization', `Bearer ${route.token()}`);
        const res = await req.send(raw);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expectEnvelope(res.body, res.status, res.body.code);
        if (route.path() === '/api/users/me/password' && res.status === 200)
          throw new Error('password changed with a wrong current password');
      }),
      { numRuns: RUNS },
    );
  });

  it('hostile path and query parameters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), hostile, async (segment, q) => {
        tried += 3;
        const id = encodeURIComponent(segment);
        for (const res of [
          await ctx.http.patch(`/api/admin/users/${id}`).set('Authorization', `Bearer ${adminToken}`).send({ disabled: false }),
          await ctx.http
            .get(`/api/admin/users?q=${encodeURIComponent(asText(q))}&page=${encodeURIComponent(asText(q))}`)
            .set('Authorization', `Bearer ${adminToken}`),
          await ctx.http
            .get(`/api/admin/audit-events?action=${encodeURIComponent(asText(q))}&from=${id}&actorId=${id}`)
            .set('Authorization', `Bearer ${adminToken}`),
        ]) {
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expectEnvelope(res.body, res.status, res.body.code);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
