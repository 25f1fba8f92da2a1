import request from 'supertest';
import { MetricsServer } from '../src/observability/metrics-server';
import { expectEnvelope, startTestApp, TestContext, verifiedDoctor } from './support/app';

describe('metrics', () => {
  let ctx: TestContext;
  let doctor: { uid: string; token: string; email: string };

  beforeAll(async () => {
    ctx = await startTestApp({ LOG_LEVEL: 'info', METRICS_TOKEN: 'metrics-secret-token', RATE_LIMIT_LOGIN: '2/1m' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('GET /metrics needs the METRICS_TOKEN bearer and serves Prometheus text with the request histogram, login outcomes and rate-limit rejections', async () => {
    expectEnvelope((await ctx.http.get('/metrics').expect(401)).body, 401, 'AUTH_HEADER_MISSING');
    expectEnvelope((await ctx.http.get('/metrics').set('Authorization', 'Bearer wrong').expect(401)).body, 401, 'TOKEN_INVALID');
    // as long as the token but not ASCII: still a clean 401, never a 500
    const sameLength = `${'x'.repeat('metrics-secret-token'.length - 1)}\u00e9`;
    expectEnvelope((await ctx.http.get('/metrics').set('Authorization', `Bearer ${sameLength}`).expect(401)).body, 401, 'TOKEN_INVALID');
    doctor = await verifiedDoctor(ctx); // login 1 of 2
    await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Wrong-Passw0rd' }).expect(401);
    await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Wrong-Passw0rd' }).expect(429);
    await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(200);
    const res = await ctx.http.get('/metrics').set('Authorization', 'Bearer metrics-secret-token').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/api\/users\/me",status="200"/);
    expect(res.text).toMatch(/medisync_login_attempts_total\{outcome="succeeded"\} 1/);
    expect(res.text).toMatch(/medisync_login_attempts_total\{outcome="invalid_credentials"\} 1/);
    expect(res.text).toMatch(/medisync_rate_limit_rejections_total\{policy="login"\} 1/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});

describe('metrics on METRICS_PORT', () => {
  let ctx: TestContext;
  let metrics: string;

  beforeAll(async () => {
    ctx = await startTestApp({ NODE_ENV: 'production', METRICS_PORT: '0', METRICS_TOKEN: 'metrics-secret-token' });
    const address = ctx.app.get(MetricsServer).address();
    expect(address).toBeDefined();
    metrics = `http://127.0.0.1:${address!.port}`;
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('serves /metrics on its own port (with METRICS_TOKEN when set) and not on the API port', async () => {
    const res = await request(metrics).get('/metrics').set('Authorization', 'Bearer metrics-secret-token').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('http_request_duration_seconds');
    expectEnvelope((await request(metrics).get('/metrics').expect(401)).body, 401, 'AUTH_HEADER_MISSING');
    expectEnvelope((await request(metrics).get('/metrics').set('Authorization', 'Bearer wrong').expect(401)).body, 401, 'TOKEN_INVALID');
    expectEnvelope((await request(metrics).get('/health/live').expect(404)).body, 404, 'NOT_FOUND');
    // the API port: 404 with or without the token, as for any unknown route
    expectEnvelope((await ctx.http.get('/metrics').expect(404)).body, 404, 'NOT_FOUND');
    expectEnvelope((await ctx.http.get('/metrics').set('Authorization', 'Bearer metrics-secret-token').expect(404)).body, 404, 'NOT_FOUND');
  });
});
