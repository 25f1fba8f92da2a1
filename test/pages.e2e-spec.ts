import { expectEnvelope, PASSWORD, registration, startTestApp, TestContext, uniqueEmail } from './support/app';
import { tokenFrom } from './support/smtp';

/**
 * The hosted account pages and the console's page over HTTP (their behaviour in a browser is
 * test/pages.browser-spec.ts): what they are served with, that opening a link spends nothing, the
 * CSP without 'unsafe-inline' (but for /docs), and PAGES_ENABLED=false.
 */
const PAGES = ['/verify-email', '/reset-password', '/accept-invitation'];

/** No inline script, no inline style: the CSP would block them. */
function expectNoInlineCode(html: string): void {
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/(pages|admin)\/assets\/[a-z-]+\.js"/);
  expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  for (const url of html.match(/(?:src|href)="[^"]+"/g) ?? []) expect(url).toMatch(/^(src|href)="(\/|#)/);
}

describe('hosted pages (PAGES_ENABLED default) and the console page', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('the emailed verification link opens /verify-email, which spends nothing: the token still verifies afterwards', async () => {
    const email = uniqueEmail();
    await ctx.http.post('/api/register').send(registration(email)).expect(201);
    const mail = await ctx.mailbox.waitFor(email);
    const link = new URL(/https?:\/\/\S+verify-email\?token=\S+/.exec(mail.text)![0]);
    expect(`${link.origin}${link.pathname}`).toBe('http://medisync.test/verify-email');
    for (let i = 0; i < 3; i++) {
      const page = await ctx.http.get(`${link.pathname}${link.search}`).expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toContain('Confirm my email');
    }
    await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(403);
    await ctx.http
      .post('/api/verification/verify')
      .send({ token: tokenFrom(mail) })
      .expect(200);
    await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(200);
  });

  it.each([...PAGES, '/admin'])('%s is HTML with a CSP without unsafe-inline, no inline code, not cacheable', async (path) => {
    const res = await ctx.http.get(`${path}?token=abc`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).toMatch(/<html lang="en">/);
    expect(res.text).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1"\s*\/?>/);
    expectNoInlineCode(res.text);
  });

  it.each([
    ['/pages/assets/pages.js', 'javascript'],
    ['/pages/assets/pages.css', 'text/css'],
    ['/admin/assets/app.js', 'javascript'],
    ['/admin/assets/api.js', 'javascript'],
    ['/admin/assets/dom.js', 'javascript'],
    ['/admin/assets/console.css', 'text/css'],
  ])('serves %s from this origin', async (path, type) => {
    const res = await ctx.http.get(path).expect(200);
    expect(res.headers['content-type']).toContain(type);
  });

  it('an unknown asset is a 404 envelope; a folder or a path outside it is refused', async () => {
    expectEnvelope((await ctx.http.get('/admin/assets/nope.js').expect(404)).body, 404, 'NOT_FOUND');
    for (const path of ['/admin/assets/', '/admin/assets/..%2f..%2fconsole.controller.ts', '/pages/assets/..%2fpages.html.ts']) {
      const res = await ctx.http.get(path);
      expect([path, [403, 404].includes(res.status)]).toEqual([path, true]);
      expect(res.text).not.toMatch(/app\.js|Controller|renderPage/);
    }
  });

  it('the Swagger UI at /docs keeps the policy it needs (inline styles and scripts) and still loads', async () => {
    const res = await ctx.http.get('/docs').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    await ctx.http.get('/docs/swagger-ui-init.js').expect(200);
  });
});

describe('PAGES_ENABLED=false', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp({ PAGES_ENABLED: 'false' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it.each([...PAGES, '/pages/assets/pages.js'])('%s is a 404 envelope', async (path) => {
    const res = await ctx.http.get(`${path}?token=abc`).expect(404);
    expectEnvelope(res.body, 404, 'NOT_FOUND');
  });

  it('the emailed links still point at the pages under APP_URL (the integrator serves them there)', async () => {
    const email = uniqueEmail();
    await ctx.http.post('/api/register').send(registration(email)).expect(201);
    expect((await ctx.mailbox.waitFor(email)).text).toContain('http://medisync.test/verify-email?token=');
  });

  it('the console stays', async () => {
    await ctx.http.get('/admin').expect(200);
  });
});
