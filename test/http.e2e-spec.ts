import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectEnvelope, registration, startTestApp, TestContext, uniqueEmail } from './support/app';

describe('HTTP conventions: envelope, request ids, parsing, health and docs', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ BODY_LIMIT: '2048' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('404 NOT_FOUND in the envelope for an unknown route, with X-Request-Id matching requestId', async () => {
    const res = await ctx.http.get('/api/does-not-exist').expect(404);
    expectEnvelope(res.body, 404, 'NOT_FOUND');
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('echoes a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
    const ok = await ctx.http.get('/health/live').set('X-Request-Id', 'req-123.abc').expect(200);
    expect(ok.headers['x-request-id']).toBe('req-123.abc');
    const bad = await ctx.http.get('/api/nope').set('X-Request-Id', 'bad id with spaces <script>').expect(404);
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.body.requestId).toBe(bad.headers['x-request-id']);
  });

  it('400 VALIDATION_ERROR for malformed JSON', async () => {
    const res = await ctx.http.post('/api/login').set('Content-Type', 'application/json').send('{"email": "a@b.c",').expect(400);
    expectEnvelope(res.body, 400, 'VALIDATION_ERROR', 'Validation failed');
    expect(res.body.details).toEqual([{ field: 'body', message: 'Body is not valid JSON' }]);
  });

  it.each([['[]'], ['null'], ['"text"'], ['42']])('400 VALIDATION_ERROR for a JSON body that is not an object: %s', async (raw) => {
    const res = await ctx.http.post('/api/login').set('Content-Type', 'application/json').send(raw).expect(400);
    expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
  });

  it('400 for an empty POST body, 415 UNSUPPORTED_MEDIA_TYPE for text and form bodies', async () => {
    expectEnvelope((await ctx.http.post('/api/login').expect(400)).body, 400, 'VALIDATION_ERROR');
    expectEnvelope((await ctx.http.post('/api/login').set('Content-Type', 'application/json').expect(400)).body, 400, 'VALIDATION_ERROR');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await ctx.http.post('/api/login').set('Content-Type', type).send('email=a@b.c&password=x').expect(415);
      expectEnvelope(res.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('413 PAYLOAD_TOO_LARGE over BODY_LIMIT', async () => {
    const res = await ctx.http
      .post('/api/register')
      .send(registration(uniqueEmail(), { title: 'x'.repeat(4096) }))
      .expect(413);
    expectEnvelope(res.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('rejects __proto__ and constructor keys without effect', async () => {
    for (const raw of [
      '{"__proto__": {"role": "admin"}, "email": "a@b.co", "password": "x"}',
      '{"constructor": {"prototype": {"x": 1}}, "email": "a@b.co", "password": "x"}',
    ]) {
      const res = await ctx.http.post('/api/login').set('Content-Type', 'application/json').send(raw).expect(400);
      expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
    }
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('400, never 500, for a NUL byte in text', async () => {
    const res = await ctx.http
      .post('/api/register')
      .send(registration(uniqueEmail(), { firstName: 'a\u0000b' }))
      .expect(400);
    expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
  });

  it('never converts types implicitly', async () => {
    const res = await ctx.http
      .post('/api/register')
      .send(registration(uniqueEmail(), { firstName: 123, title: true }))
      .expect(400);
    expect(new Set(res.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['firstName', 'title']));
  });

  it('GET /health/live and /health/ready answer 200 with success: true', async () => {
    expect((await ctx.http.get('/health/live').expect(200)).body).toEqual({ success: true, status: 'ok' });
    const ready = await ctx.http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ success: true, status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('serves the OpenAPI document at /docs-json and the UI at /docs, with bearer security and the envelope on errors', async () => {
    const doc = (await ctx.http.get('/docs-json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const login = doc.paths['/api/login'].post;
    expect(login.operationId).toBe('login');
    expect(login.security).toBeUndefined();
    expect(login.responses['401'].content['application/json'].schema.allOf[0].$ref).toBe('#/components/schemas/ErrorResponseDto');
    const me = doc.paths['/api/users/me'].get;
    expect(me.security).toEqual([{ bearer: [] }]);
    expect(me.responses['401']).toBeDefined();
    expect(me['x-access']).toEqual({
      public: false,
      roles: ['doctor', 'patient', 'admin'],
      subscription: null,
      verifiedEmail: true,
      secondFactor: null,
      ownership: null,
    });
    // the second factor a route asks for is in its declaration too (admin routes: under MFA_REQUIRED_ROLES=admin)
    expect(doc.paths['/api/admin/users'].get['x-access'].secondFactor).toBe('when MFA_REQUIRED_ROLES includes admin');
    expect(doc.paths['/api/mfa/totp/setup'].post['x-access'].acceptsEnrolmentToken).toBe(true);
    expect(doc.paths['/api/login/mfa'].post.security).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('e2e-test-secret');
    const ui = await ctx.http.get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    // a token typed into the UI is not kept in the browser's localStorage
    const init = await ctx.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*false/);
  });
});

describe('security headers and CORS', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ CORS_ORIGINS: 'https://app.example.org' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('sends helmet headers and no x-powered-by; without HTTPS_ONLY no HSTS and no upgrade-insecure-requests', async () => {
    for (const path of ['/health/live', '/docs', '/api/nope']) {
      const res = await ctx.http.get(path);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      // over plain HTTP (http://<server-name>:3000/docs) these would blank the Swagger UI
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('allows only the CORS_ORIGINS origins', async () => {
    const ok = await ctx.http
      .options('/api/login')
      .set('Origin', 'https://app.example.org')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.org');
    const other = await ctx.http.options('/api/login').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const get = await ctx.http.get('/health/live').set('Origin', 'https://evil.example').expect(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('every error from any layer is the envelope, and /api is never cached', () => {
  let ctx: TestContext;
  let port: number;
  beforeAll(async () => {
    ctx = await startTestApp();
    port = (ctx.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await ctx.close();
  });

  /** A request exactly as written (supertest would re-encode the path). */
  const raw = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end();
    });

  it('400 for an undecodable path (FST_ERR_BAD_URL), without echoing it', async () => {
    const res = await raw('/api/patients/%ff%fe-<script>');
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expectEnvelope(body, 400, 'VALIDATION_ERROR', 'Validation failed');
    expect(body.details).toEqual([{ field: 'path', message: 'The path is not a valid URL' }]);
    expect(res.headers['x-request-id']).toBe(body.requestId);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toMatch(/%ff|script|FST_/i);
  });

  it('a path parameter over the router limit (FST_ERR_MAX_PARAM_LENGTH) is 400 in the envelope, without echoing it', async () => {
    const res = await raw(`/api/patients/${'x'.repeat(150)}canary`, { authorization: 'Bearer x' });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expectEnvelope(body, 400, 'VALIDATION_ERROR');
    expect(body.details).toEqual([{ field: 'path', message: 'A path parameter is too long' }]);
    expect(res.headers['x-request-id']).toBe(body.requestId);
    expect(res.text).not.toMatch(/canary|FST_/);
  });

  it('431 for headers over the limit, in the envelope with a request id, without echoing them', async () => {
    const res = await raw('/api/users/me', { 'x-filler': `canary${'a'.repeat(20_000)}` });
    expect(res.status).toBe(431);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expectEnvelope(body, 431, 'HEADERS_TOO_LARGE', 'Request headers are too large');
    expect(res.headers['x-request-id']).toBe(body.requestId);
    expect(res.text).not.toMatch(/canary/);
  });

  it('every /api response says Cache-Control: no-store and Pragma: no-cache: success, error, public and protected', async () => {
    for (const res of [
      await ctx.http.get('/api/subscriptions/plans').expect(200),
      await ctx.http.get('/api/users/me').expect(401),
      await ctx.http.get('/api/nope').expect(404),
      await ctx.http.post('/api/login').send({ email: 'x@example.org', password: 'Wrong-Passw0rd' }).expect(401),
      await ctx.http.post('/api/login').set('Content-Type', 'application/json').send('{').expect(400),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
    // the public OpenAPI document is outside /api and may be cached
    expect((await ctx.http.get('/docs-json').expect(200)).headers['cache-control']).not.toBe('no-store');
  });
});
