import { createHmac } from 'node:crypto';
import { loadConfig } from '../src/config/config';
import { expectEnvelope, startTestApp, TEST_JWT_SECRET, TestContext } from './support/app';

/** The request Ayush Synapse's documentation shows, byte for byte (`-d '{"user_id": "dr_sharma", "role": "clinician"}'`). */
const DOCUMENTED_BODY = '{"user_id": "dr_sharma", "role": "clinician"}';
/** The response its documentation shows, the token aside. */
const DOCUMENTED_RESPONSE = {
  message: 'Authentication successful',
  user_id: 'dr_sharma',
  role: 'clinician',
  permissions: { can_access_all_endpoints: true, can_view_all_data: true, can_perform_translations: true, can_access_fhir_resources: true },
  demo_mode: true,
};
/** MediSync's own flags beside Ayush's, for a doctor with an active subscription and for an admin. */
const SUBSCRIBED_DOCTOR = {
  canManageUsers: false,
  canCreateAppointments: true,
  canUseAiFeatures: true,
  canViewAnalytics: true,
  canAccessFhirResources: true,
};
const ADMIN = {
  canManageUsers: true,
  canCreateAppointments: true,
  canUseAiFeatures: true,
  canViewAnalytics: true,
  canAccessFhirResources: true,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEMO_EMAIL = /^demo-(doctor|admin)-[0-9a-f]{40}@demo\.medisync\.invalid$/;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const sign = (payload: object) => {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', TEST_JWT_SECRET).update(head).digest('base64url')}`;
};

describe('demo login, Ayush Synapse style (DEMO_MODE=true)', () => {
  let ctx: TestContext;
  const login = (body: object, path = '/auth/login') => ctx.http.post(path).send(body).expect(200);
  const newPatient = async (token: string, lastName: string) =>
    (await ctx.http.post('/api/patients').set(bearer(token)).send({ firstName: 'Asha', lastName, dateOfBirth: '1970-05-01' }).expect(201))
      .body.data.id as string;
  const patientIds = async (token: string) =>
    ((await ctx.http.get('/api/patients').set(bearer(token)).expect(200)).body.data as Array<{ id: string }>).map((p) => p.id);

  beforeAll(async () => {
    ctx = await startTestApp({ DEMO_MODE: 'true' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it("answers the documentation's exact request as documented, and the token opens a subscription-gated route", async () => {
    const res = await ctx.http.post('/auth/login').set('Content-Type', 'application/json').send(DOCUMENTED_BODY).expect(200);
    const { token, success, uid, ...rest } = res.body as Record<string, unknown>;
    // every documented field, as documented; MediSync's `success` and the account's `uid` beside them
    expect(rest).toEqual({ ...DOCUMENTED_RESPONSE, permissions: { ...DOCUMENTED_RESPONSE.permissions, ...SUBSCRIBED_DOCTOR } });
    expect(success).toBe(true);
    expect(uid).toMatch(UUID);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(claimsOf(token as string)).toMatchObject({ sub: uid, userId: uid, role: 'doctor' });

    const me = await ctx.http
      .get('/api/users/me')
      .set(bearer(token as string))
      .expect(200);
    expect(me.body.user).toMatchObject({ id: uid, role: 'doctor', emailVerified: true });
    expect(me.body.user.email).toMatch(DEMO_EMAIL);
    const subscription = await ctx.http
      .get('/api/subscriptions/me')
      .set(bearer(token as string))
      .expect(200);
    expect(subscription.body.subscription).toMatchObject({ status: 'active', plan: 'professional', active: true });

    const patientId = await newPatient(token as string, 'Sharma-Patient');
    const appointment = await ctx.http
      .post('/api/appointments')
      .set(bearer(token as string))
      .send({ patientId, startsAt: '2030-03-01T09:00:00Z', endsAt: '2030-03-01T09:30:00Z', reason: 'Follow-up' })
      .expect(201);
    expect(appointment.body.data).toMatchObject({ patientId, doctorId: uid, status: 'planned' });
    const summary = await ctx.http
      .get('/api/analytics/summary')
      .set(bearer(token as string))
      .expect(200);
    expect(summary.body.data).toMatchObject({ scope: 'doctor', patients: 1, appointments: 1 });
  });

  it('the same user_id is the same account on both paths; clinician and doctor name the same doctor; role and user_id are echoed as sent', async () => {
    const first = await login({ user_id: 'dr_rao', role: 'clinician' });
    const again = await login({ user_id: 'dr_rao' });
    const asDoctor = await login({ user_id: 'dr_rao', role: 'doctor' }, '/api/auth/demo-login');
    const asClinician = await login({ user_id: 'dr_rao', role: 'clinician' }, '/api/auth/demo-login');
    expect([again, asDoctor, asClinician].map((r) => r.body.uid)).toEqual([first.body.uid, first.body.uid, first.body.uid]);
    expect([first, again, asDoctor, asClinician].map((r) => [r.body.user_id, r.body.role])).toEqual([
      ['dr_rao', 'clinician'],
      ['dr_rao', 'clinician'],
      ['dr_rao', 'doctor'],
      ['dr_rao', 'clinician'],
    ]);
    for (const r of [first, asDoctor]) {
      expect(r.body.permissions).toEqual({ ...DOCUMENTED_RESPONSE.permissions, ...SUBSCRIBED_DOCTOR });
    }
    const patientId = await newPatient(first.body.token, 'Rao-Patient');
    expect(await patientIds(asDoctor.body.token)).toEqual([patientId]);
  });

  it('defaults: user_id "demo_user"; role clinician on /auth/login, doctor on /api/auth/demo-login (the same demo doctor)', async () => {
    const ayush = await login({});
    expect(ayush.body).toMatchObject({ user_id: 'demo_user', role: 'clinician', demo_mode: true, message: 'Authentication successful' });
    const v1 = await login({}, '/api/auth/demo-login');
    expect(v1.body).toMatchObject({ user_id: 'demo_user', role: 'doctor', demo_mode: true });
    expect(v1.body.uid).toBe(ayush.body.uid);
  });

  it('admin: a separate account per user_id, every MediSync flag, and admin routes open', async () => {
    const adminLogin = await login({ user_id: 'dr_sharma', role: 'admin' });
    const clinician = await login({ user_id: 'dr_sharma', role: 'clinician' });
    expect(adminLogin.body).toMatchObject({ user_id: 'dr_sharma', role: 'admin' });
    expect(adminLogin.body.permissions).toEqual({ ...DOCUMENTED_RESPONSE.permissions, ...ADMIN });
    expect(adminLogin.body.uid).not.toBe(clinician.body.uid);
    expect(claimsOf(adminLogin.body.token)).toMatchObject({ sub: adminLogin.body.uid, role: 'admin' });
    await ctx.http.get('/api/admin/users').set(bearer(adminLogin.body.token)).expect(200);
    const v1Admin = await login({ role: 'admin' }, '/api/auth/demo-login');
    expect(v1Admin.body).toMatchObject({ user_id: 'demo_user', role: 'admin' });
    expect(v1Admin.body.uid).not.toBe(adminLogin.body.uid);
  });

  it("two demo users never see each other's patients (letter case makes another user)", async () => {
    const sharma = (await login({ user_id: 'dr_gupta' })).body;
    const verma = (await login({ user_id: 'dr_verma' })).body;
    const upper = (await login({ user_id: 'DR_GUPTA' })).body;
    expect(new Set([sharma.uid, verma.uid, upper.uid]).size).toBe(3);
    const sharmaPatient = await newPatient(sharma.token, 'Gupta-Patient');
    const vermaPatient = await newPatient(verma.token, 'Verma-Patient');
    expect(await patientIds(sharma.token)).toEqual([sharmaPatient]);
    expect(await patientIds(verma.token)).toEqual([vermaPatient]);
    expect(await patientIds(upper.token)).toEqual([]);
    expectEnvelope(
      (await ctx.http.get(`/api/patients/${sharmaPatient}`).set(bearer(verma.token)).expect(403)).body,
      403,
      'NOT_OWNER',
      'You do not have access to this resource',
    );
    expectEnvelope(
      (
        await ctx.http
          .post('/api/appointments')
          .set(bearer(upper.token))
          .send({ patientId: sharmaPatient, startsAt: '2030-03-02T09:00:00Z', endsAt: '2030-03-02T09:30:00Z', reason: 'x' })
          .expect(403)
      ).body,
      403,
      'NOT_OWNER',
    );
  });

  it('accepts any non-empty string as user_id, echoes it exactly, and never puts it into the account email', async () => {
    const ids = [
      ' ',
      ' dr_sharma ',
      'x'.repeat(10_000),
      '../etc/passwd',
      'dr@sharma.example',
      'a"b\\c<script>alert(1)</script>',
      "O'Brien'); DROP TABLE users;--",
      'डॉ. शर्मा 医生 🩺 Ünïcødé',
      'line\nbreak\ttab\u0000nul',
      '\ud800', // a lone surrogate: JSON allows it; must not collapse into another id
      '\udfff',
      '\ufffd',
    ];
    const uids = new Set<string>();
    for (const user_id of ids) {
      const res = await login({ user_id });
      expect(res.body.user_id).toBe(user_id);
      expect(res.body.role).toBe('clinician');
      uids.add(res.body.uid);
      const me = await ctx.http.get('/api/users/me').set(bearer(res.body.token)).expect(200);
      expect(me.body.user.id).toBe(res.body.uid);
      expect(me.body.user.email).toMatch(DEMO_EMAIL);
    }
    expect(uids.size).toBe(ids.length);
  });

  it('refuses an empty or non-string user_id, other roles and other properties, on both paths, with the envelope', async () => {
    const bodies = [
      { user_id: '' },
      { user_id: 5 },
      { user_id: null },
      { user_id: ['dr_sharma'] },
      { role: 'patient' },
      { role: 'Clinician' },
      { role: 'root' },
      { role: null },
      { user_id: 'dr_sharma', password: 'x' },
    ];
    for (const path of ['/auth/login', '/api/auth/demo-login']) {
      for (const body of bodies) {
        const res = await ctx.http.post(path).send(body).expect(400);
        expectEnvelope(res.body, 400, 'VALIDATION_ERROR', 'Validation failed');
      }
      expectEnvelope(
        (await ctx.http.post(path).set('Content-Type', 'application/json').send('[1]').expect(400)).body,
        400,
        'VALIDATION_ERROR',
      );
      expectEnvelope(
        (await ctx.http.post(path).set('Content-Type', 'text/plain').send('user_id=dr_sharma').expect(415)).body,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
  });

  it('bad tokens get the same errors as Ayush documents, in the contract envelope; a demo doctor has a doctor’s rules', async () => {
    const good = (await login({ user_id: 'dr_token' })).body;
    const me = () => ctx.http.get('/api/users/me');
    expectEnvelope((await me().expect(401)).body, 401, 'AUTH_HEADER_MISSING', 'Authorization header is required');
    expectEnvelope(
      (await me().set('Authorization', `Token ${good.token}`).expect(401)).body,
      401,
      'AUTH_HEADER_INVALID',
      'Invalid Authorization header format',
    );
    expectEnvelope((await me().set(bearer('not.a.jwt')).expect(401)).body, 401, 'TOKEN_INVALID', 'Invalid token');
    const tampered = `${good.token.slice(0, -2)}${good.token.endsWith('AA') ? 'BB' : 'AA'}`;
    expectEnvelope((await me().set(bearer(tampered)).expect(401)).body, 401, 'TOKEN_INVALID', 'Invalid token');
    const now = Math.floor(Date.now() / 1000);
    const expired = sign({ ...claimsOf(good.token), iat: now - 90_000, exp: now - 60 });
    expectEnvelope((await me().set(bearer(expired)).expect(401)).body, 401, 'TOKEN_EXPIRED', 'Token has expired');
    // "all features are accessible" means every feature of a doctor: admin routes stay admin-only
    expectEnvelope(
      (await ctx.http.get('/api/admin/users').set(bearer(good.token)).expect(403)).body,
      403,
      'ROLE_REQUIRED',
      'Access denied. Required role: admin',
    );
    // logging out revokes a demo token like any other
    await ctx.http.post('/api/logout').set(bearer(good.token)).expect(200);
    expectEnvelope((await me().set(bearer(good.token)).expect(401)).body, 401, 'TOKEN_REVOKED', 'Token has been revoked');
  });

  it('documents both routes in OpenAPI: public, the same body with its own role default, an Ayush-shaped response', async () => {
    const doc = (await ctx.http.get('/docs-json').expect(200)).body;
    const ayush = doc.paths['/auth/login'].post;
    const v1 = doc.paths['/api/auth/demo-login'].post;
    expect(ayush.operationId).toBe('ayushLogin');
    expect(v1.operationId).toBe('demoLogin');
    expect(doc.paths['/api/auth/login']).toBeUndefined();
    for (const op of [ayush, v1]) {
      expect(op.security).toBeUndefined();
      expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/DemoLoginResponseDto');
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '415', '429']));
    }
    const schemas = doc.components.schemas;
    expect(ayush.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/AyushLoginDto');
    expect(schemas.AyushLoginDto.properties.role).toMatchObject({ default: 'clinician', enum: ['clinician', 'doctor', 'admin'] });
    expect(schemas.AyushLoginDto.properties.user_id).toMatchObject({ default: 'demo_user', example: 'dr_sharma', minLength: 1 });
    expect(schemas.DemoLoginDto.properties.role).toMatchObject({ default: 'doctor', enum: ['clinician', 'doctor', 'admin'] });
    expect(schemas.DemoLoginResponseDto.properties).toMatchObject({
      message: { example: 'Authentication successful' },
      user_id: { example: 'dr_sharma' },
      uid: { format: 'uuid' },
      role: { enum: ['clinician', 'doctor', 'admin'] },
      demo_mode: { enum: [true] },
    });
    expect(Object.keys(schemas.DemoPermissionsDto.properties)).toEqual(
      expect.arrayContaining(['can_access_all_endpoints', 'can_view_all_data', 'can_perform_translations', 'can_access_fhir_resources']),
    );
  });
});

describe('demo login without DEMO_MODE', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('neither path exists: 404 NOT_FOUND in the contract envelope, and neither is documented', async () => {
    for (const path of ['/auth/login', '/api/auth/demo-login']) {
      for (const body of [JSON.parse(DOCUMENTED_BODY), {}]) {
        expectEnvelope((await ctx.http.post(path).send(body).expect(404)).body, 404, 'NOT_FOUND');
      }
    }
    const doc = (await ctx.http.get('/docs-json').expect(200)).body;
    expect(doc.paths['/auth/login']).toBeUndefined();
    expect(doc.paths['/api/auth/demo-login']).toBeUndefined();
  });

  it('and production refuses to start with DEMO_MODE', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(48), DEMO_MODE: 'true' })).toThrow(
      /DEMO_MODE=true is refused when NODE_ENV=production/,
    );
  });
});
