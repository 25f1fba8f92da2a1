import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PASSWORD, registration, startTestApp, TestContext, uniqueEmail } from './support/app';

describe('mail without SMTP_URL: the outbox', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ SMTP_URL: '' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('writes each message to DATA_DIR/outbox as an .eml whose link verifies the account', async () => {
    const email = uniqueEmail();
    await ctx.http.post('/api/register').send(registration(email)).expect(201);
    const outbox = join(ctx.dataDir, 'outbox');
    let files: string[] = [];
    for (let i = 0; i < 50 && files.length === 0; i++) {
      files = (await readdir(outbox).catch(() => [])).filter((f) => f.endsWith('.eml'));
      if (files.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(files).toHaveLength(1);
    const eml = (await readFile(join(outbox, files[0]), 'utf8')).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(eml).toMatch(new RegExp(`^To: ${email.replace(/[.]/g, '\\.')}`, 'm'));
    expect(eml).toContain('Content-Type: text/html');
    const token = /verify\?token=([A-Za-z0-9_-]{43})/.exec(eml)?.[1];
    expect(token).toBeDefined();
    await ctx.http.get(`/api/verification/verify?token=${token}`).expect(200);
    await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(200);
  });
});

describe('mail delivery failure', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ SMTP_URL: 'smtp://127.0.0.1:1' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('never undoes the registration: the account exists and can ask for another link', async () => {
    const email = uniqueEmail();
    await ctx.http.post('/api/register').send(registration(email)).expect(201);
    const login = await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(403);
    expect(login.body.code).toBe('EMAIL_NOT_VERIFIED');
    await ctx.http.post('/api/register').send(registration(email)).expect(409);
    await ctx.http.post('/api/verification/resend').send({ email }).expect(202);
  });
});
