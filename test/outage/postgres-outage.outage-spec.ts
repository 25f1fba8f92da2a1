import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { registration, startTestApp, TestContext, uniqueEmail } from '../support/app';
import { tokenFrom } from '../support/smtp';

/**
 * Stops and restarts this machine's PostgreSQL under load (TEST_OUTAGE=1, run alone by .ci/run: it
 * takes the server away from everything else). Needs TEST_DATABASE_URL on the local server.
 */
const version = readdirSync('/etc/postgresql')[0];
const pg = (action: 'stop' | 'start') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], {
    stdio: 'inherit',
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL goes away under load and comes back', () => {
  let ctx: TestContext;
  const tokens: Array<{ email: string; token: string }> = [];

  beforeAll(async () => {
    ctx = await startTestApp();
    for (let i = 0; i < 40; i++) {
      const email = uniqueEmail('outage');
      await ctx.http.post('/api/register').send(registration(email)).expect(201);
      tokens.push({ email, token: tokenFrom(await ctx.mailbox.waitFor(email)) });
    }
  });
  afterAll(async () => {
    try {
      execFileSync('pg_isready', ['-h', '127.0.0.1', '-q']);
    } catch {
      pg('start');
    }
    await ctx.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE (never 500, never a crash), readiness fails, service resumes by itself, and no half-written row remains', async () => {
    const statuses: number[] = [];
    let running = true;
    let next = 0;
    // load: verifications (a transaction: token spent + email verified + audit event) and registrations
    const worker = async () => {
      while (running) {
        const item = tokens[next++ % tokens.length];
        const res =
          next % 2
            ? await ctx.http.post('/api/verification/verify').send({ token: item.token })
            : await ctx.http.post('/api/register').send(registration(uniqueEmail('load')));
        statuses.push(res.status);
        if (res.status >= 500) expect(res.body).toMatchObject({ success: false, code: 'SERVICE_UNAVAILABLE', statusCode: 503 });
        await sleep(20);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await sleep(500);
    pg('stop');
    await sleep(1500);
    const ready = await ctx.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('SERVICE_UNAVAILABLE');
    await ctx.http.get('/health/live').expect(200);
    pg('start');
    const back = Date.now();
    let recovered = 0;
    for (let i = 0; i < 60 && !recovered; i++) {
      if ((await ctx.http.get('/health/ready')).status === 200) recovered = Date.now() - back;
      else await sleep(250);
    }
    expect(recovered).toBeGreaterThan(0);
    console.log(
      `outage: service ready ${recovered} ms after PostgreSQL was started again; ${statuses.length} requests, ${statuses.filter((s) => s === 503).length} answered 503`,
    );
    await sleep(500);
    running = false;
    await Promise.all(workers);
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    // after recovery everything works again
    await ctx.http
      .post('/api/register')
      .send(registration(uniqueEmail('after')))
      .expect(201);

    // atomicity: a spent verification token always goes with a verified email and its audit event
    const client = new Client({ connectionString: ctx.db.url });
    await client.connect();
    const { rows } = await client.query<{ spent: boolean; verified: boolean; audited: boolean }>(
      `SELECT t.used_at IS NOT NULL AS spent, u.email_verified_at IS NOT NULL AS verified,
              EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'email.verified' AND e.target_id = u.id) AS audited
         FROM users u JOIN one_time_tokens t ON t.user_id = u.id AND t.purpose = 'email_verification'
        WHERE u.email LIKE 'outage.%'`,
    );
    await client.end();
    expect(rows).toHaveLength(tokens.length);
    for (const r of rows) expect([r.spent, r.audited]).toEqual([r.verified, r.verified]);
  });
});
