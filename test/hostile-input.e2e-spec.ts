import fc from 'fast-check';
import request from 'supertest';
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
      valid: {
        title: 'Dr.',
        firstName: 'A',
        lastName: 'B',
        email: 'x@example.org',
        password: 'Str0ng-Passw0rd',
        specialty: 'Cardiology',
        ehr_system_type: 'cloud',
        ehr_system_name: 'OpenEMR',
      },
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

/** `{"f":[[[…]]]}` or `{"f":{"a":{"a":…}}}`, `depth` levels in all (the outer object counts). */
const nested = (field: string, depth: number, kind: 'array' | 'object' | 'mixed') => {
  let open = '';
  let close = '';
  for (let i = 1; i < depth; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    open += asArray ? '[' : '{"a":';
    close = (asArray ? ']' : '}') + close;
  }
  return `{${JSON.stringify(field)}:${open}1${close}}`;
};

describe('deeply nested JSON is refused while parsing, on every public body route', () => {
  let ctx: TestContext;
  let publicBodyRoutes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    ctx = await startTestApp({ DEMO_MODE: 'true', LOGIN_LOCKOUT: '0' });
    // every operation that takes a body and needs no token, read from the OpenAPI document, so a new
    // public route is covered without editing this list
    const doc = (await ctx.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>>;
    };
    publicBodyRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody && !op.security?.length)
        .map(([method]) => ({ method, path })),
    );
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('finds the public body routes', () => {
    expect(publicBodyRoutes.map((r) => r.path).sort()).toEqual(
      expect.arrayContaining([
        '/api/auth/demo-login',
        '/api/invitations/accept',
        '/api/login',
        '/api/password/forgot',
        '/api/password/reset',
        '/api/register',
        '/api/verification/resend',
        '/api/verification/verify',
      ]),
    );
  });

  it('2,400 levels (under the body limit) is 400 VALIDATION_ERROR naming the body, on each of them', async () => {
    for (const { method, path } of publicBodyRoutes) {
      for (const kind of ['array', 'object', 'mixed'] as const) {
        const body = nested('email', 2400, kind);
        expect(body.length).toBeLessThan(100 * 1024);
        const res = await (ctx.http as unknown as Record<string, (p: string) => request.Test>)
          [method](path)
          .set('Content-Type', 'application/json')
          .send(body);
        expect({ path, kind, status: res.status }).toEqual({ path, kind, status: 400 });
        expectEnvelope(res.body, 400, 'VALIDATION_ERROR', 'Validation failed');
        expect(res.body.details).toEqual([{ field: 'body', message: 'Body is nested deeper than 32 levels' }]);
      }
    }
  });

  it('any depth over 32, anywhere in the body, is refused; 32 levels still reach validation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...publicBodyRoutes),
        fc.integer({ min: 33, max: 3000 }),
        fc.constantFrom('array', 'object', 'mixed'),
        fc.string({ maxLength: 10 }),
        async (route, depth, kind, field) => {
          const res = await (ctx.http as unknown as Record<string, (p: string) => request.Test>)
            [route.method](route.path)
            .set('Content-Type', 'application/json')
            .send(nested(field, depth, kind as 'array'));
          expect(res.status).toBe(400);
          expect(res.body.details).toEqual([{ field: 'body', message: 'Body is nested deeper than 32 levels' }]);
        },
      ),
      { numRuns: RUNS },
    );
    const atLimit = await ctx.http
      .post('/api/login')
      .set('Content-Type', 'application/json')
      .send(nested('email', 32, 'array'));
    expectEnvelope(atLimit.body, 400, 'VALIDATION_ERROR');
    expect(atLimit.body.details).not.toContainEqual(expect.objectContaining({ field: 'body' }));
  });

  it('brackets inside strings do not count, and absurdly many properties are refused', async () => {
    const res = await ctx.http
      .post('/api/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: '['.repeat(5000), password: '{"a":'.repeat(1000) }));
    expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
    expect(res.body.details).not.toContainEqual(expect.objectContaining({ field: 'body' }));
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 0])));
    const wide = await ctx.http.post('/api/login').set('Content-Type', 'application/json').send(many).expect(400);
    expect(wide.body.details).toEqual([{ field: 'body', message: 'Body has more than 1000 properties' }]);
  });
});
