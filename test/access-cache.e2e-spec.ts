import { Client } from 'pg';
import { expectEnvelope, PASSWORD, startTestApp, TestContext, verifiedDoctor } from './support/app';

const ADMIN = { email: 'root@example.org', password: 'Adm1n-Passw0rd' };
const future = (days: number) => new Date(Date.now() + days * 86400_000).toISOString();

/** The per-request state cache: changes through this instance apply at once, others within the TTL. */
describe('access-state cache (ACCESS_CACHE_TTL_MS)', () => {
  let ctx: TestContext;
  let admin: string;
  const me = (token: string) => ctx.http.get('/api/users/me').set('Authorization', `Bearer ${token}`);
  const sql = async (text: string, params: unknown[]) => {
    const c = new Client({ connectionString: ctx.db.url });
    await c.connect();
    await c.query(text, params);
    await c.end();
  };

  beforeAll(async () => {
    ctx = await startTestApp({ ACCESS_CACHE_TTL_MS: '800', BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('a change made behind this instance (another instance, SQL) is seen once the TTL has passed', async () => {
    const doctor = await verifiedDoctor(ctx);
    await me(doctor.token).expect(200);
    await sql(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [doctor.uid]);
    await me(doctor.token).expect(200); // still within the TTL
    await new Promise((r) => setTimeout(r, 900));
    expectEnvelope((await me(doctor.token).expect(401)).body, 401, 'TOKEN_REVOKED');
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
});
