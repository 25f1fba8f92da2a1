import { DataSource } from 'typeorm';
import { expectEnvelope, PASSWORD, startTestApp, TestContext, verifiedDoctor } from './support/app';

const ADMIN = { email: 'root@example.org', password: 'Adm1n-Passw0rd' };
const future = (days: number) => new Date(Date.now() + days * 86400_000).toISOString();

/**
 * The per-request state cache with a TTL far longer than the suite: every change to an account made
 * through the service applies to the very next request all the same, because the database announces
 * it (triggers + NOTIFY) and the instance's listener drops the cached state. No service invalidates
 * the cache by hand, so this fails if the announcement path breaks.
 */
describe('access-state cache (ACCESS_CACHE_TTL_MS) follows every change at once', () => {
  let ctx: TestContext;
  let admin: string;
  const me = (token: string) => ctx.http.get('/api/users/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    ctx = await startTestApp({
      ACCESS_CACHE_TTL_MS: '60000',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    });
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('logout, password change, disable and subscription changes through this instance apply to the very next request', async () => {
    const doctor = await verifiedDoctor(ctx);
    const second = (await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    await me(doctor.token).expect(200);
    await me(second).expect(200);
    await ctx.http.post('/api/logout').set('Authorization', `Bearer ${doctor.token}`).expect(200);
    await me(doctor.token).expect(401);

    await ctx.http
      .post('/api/users/me/password')
      .set('Authorization', `Bearer ${second}`)
      .send({ currentPassword: PASSWORD, newPassword: 'Cached-Passw0rd' })
      .expect(200);
    await me(second).expect(401);

    const third = (await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Cached-Passw0rd' }).expect(200)).body
      .token as string;
    await ctx.http.get('/api/subscriptions/me').set('Authorization', `Bearer ${third}`).expect(200);
    await ctx.http
      .put(`/api/admin/users/${doctor.uid}/subscription`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ plan: 'professional', status: 'active', currentPeriodEnd: future(30) })
      .expect(200);
    await ctx.http.get('/api/analytics/summary').set('Authorization', `Bearer ${third}`).expect(200);
    await ctx.http
      .put(`/api/admin/users/${doctor.uid}/subscription`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ plan: 'professional', status: 'canceled', currentPeriodEnd: future(30) })
      .expect(200);
    expectEnvelope(
      (await ctx.http.get('/api/analytics/summary').set('Authorization', `Bearer ${third}`).expect(403)).body,
      403,
      'SUBSCRIPTION_REQUIRED',
    );

    await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true }).expect(200);
    expectEnvelope((await me(third).expect(401)).body, 401, 'TOKEN_REVOKED');
  });

  it('a promotion and a demotion end the sessions of the account at the very next request', async () => {
    const doctor = await verifiedDoctor(ctx);
    const users = (token: string) => ctx.http.get('/api/admin/users').set('Authorization', `Bearer ${token}`);
    const login = async () =>
      (await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    expectEnvelope((await users(doctor.token).expect(403)).body, 403, 'ROLE_REQUIRED');
    await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set('Authorization', `Bearer ${admin}`).send({ role: 'admin' }).expect(200);
    expectEnvelope((await users(doctor.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    const promoted = await login();
    await users(promoted).expect(200);
    await ctx.http.patch(`/api/admin/users/${doctor.uid}`).set('Authorization', `Bearer ${admin}`).send({ role: 'doctor' }).expect(200);
    expectEnvelope((await users(promoted).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await users(await login()).expect(403)).body, 403, 'ROLE_REQUIRED');
  });

  it('GET /api/users/me answers from the cached row, and any change to the row, by the API or in SQL, shows at the next read', async () => {
    const doctor = await verifiedDoctor(ctx);
    const auth = { Authorization: `Bearer ${doctor.token}` };
    await me(doctor.token).expect(200);
    await ctx.http.patch('/api/users/me').set(auth).send({ firstName: 'Renamed' }).expect(200);
    expect((await me(doctor.token).expect(200)).body.user.firstName).toBe('Renamed');

    // a change in SQL (as an operator's, outside the users service): the database announces it at commit,
    // and this instance drops the cached row (the TTL is a minute: without the announcement this fails)
    await ctx.app.get(DataSource).query(`UPDATE users SET specialty = 'Neurology', title = 'Prof.' WHERE id = $1`, [doctor.uid]);
    const { user } = (await me(doctor.token).expect(200)).body;
    expect(user).toMatchObject({ firstName: 'Renamed', specialty: 'Neurology', title: 'Prof.' });
  });
});
