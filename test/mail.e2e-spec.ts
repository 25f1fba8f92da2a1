import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AddressObject, simpleParser } from 'mailparser';
import { PASSWORD, registration, startTestApp, TestContext, uniqueEmail } from './support/app';

describe('mail without SMTP_URL: the outbox', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ SMTP_URL: '' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('writes each message to DATA_DIR/outbox as .txt and .eml; `grep token=` finds a working link', async () => {
    const email = uniqueEmail();
    await ctx.http.post('/api/register').send(registration(email)).expect(201);
    const outbox = join(ctx.dataDir, 'outbox');
    let files: string[] = [];
    for (let i = 0; i < 50 && files.length < 2; i++) {
      files = (await readdir(outbox).catch(() => [])).sort();
      if (files.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(files.map((f) => f.replace(/^.*\./, ''))).toEqual(['eml', 'txt']);
    expect(files[0].replace(/\.eml$/, '')).toBe(files[1].replace(/\.txt$/, ''));

    // what `grep token= data/outbox/*` prints: one line, in the .txt, with the token as sent
    const hits: string[] = [];
    for (const file of files) {
      for (const line of (await readFile(join(outbox, file), 'utf8')).split('\n'))
        if (line.includes('token=')) hits.push(`${file}:${line}`);
    }
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/\.txt:Verify my email: http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]{43}$/);
    const token = /token=([A-Za-z0-9_-]{43})$/.exec(hits[0])![1];

    const txt = await readFile(join(outbox, files[1]), 'utf8');
    expect(txt).toMatch(new RegExp(`^To: ${email.replace(/[.]/g, '\\.')}$`, 'm'));
    expect(txt).toContain('Subject: Verify your MediSync email address');

    // the .eml is a whole message (text and HTML) for a mail client, with the same link
    const eml = await simpleParser(await readFile(join(outbox, files[0])));
    expect((eml.to as AddressObject).value[0].address).toBe(email);
    expect(eml.text).toContain(`token=${token}`);
    expect(eml.html).toContain(`token=${token}`);

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
