import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { sqlOn } from '../support/database';
import type { Response } from 'supertest';
import { PASSWORD, registration, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from '../support/app';
import { tokenFrom } from '../support/smtp';

/**
 * Takes this machine's PostgreSQL away under load, again and again (TEST_OUTAGE=1, run alone by
 * .ci/run: it stops the server under everything else). Needs TEST_DATABASE_URL on the local server.
 *
 * The load is aimed at every route that writes inside a transaction, and the database goes away in
 * two ways: the server is stopped and started (fast shutdown: every backend is terminated, new
 * connections are refused), and between those, the app's connections are killed one by one with
 * pg_terminate_backend, which lands in the middle of transactions far more often than a stop does.
 * Whatever happens: no 500, no dropped HTTP connection, nothing half-written.
 */
const version = readdirSync('/etc/postgresql')[0];
const pg = (action: 'stop' | 'start') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], {
    stdio: 'inherit',
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const ADMIN = { email: 'outage.admin@example.org', password: 'Adm1n-Passw0rd' };
const CYCLES = 3;
const POOL = 12;
const NEW_PASSWORD = 'N3w-Passw0rd-after-reset';

/** A queue of single-use inputs; once spent, the last one is sent again (a 410 still runs the transaction's first statement). */
class Supply<T> {
  private next = 0;
  constructor(readonly items: T[]) {}
  take(): T {
    return this.items[Math.min(this.next++, this.items.length - 1)];
  }
}

describe('PostgreSQL goes away under transactional load, repeatedly, and comes back', () => {
  let ctx: TestContext;
  let admin: string;
  let owner: { uid: string; token: string }; // a subscribed doctor who books appointments and archives patients
  const verifyTokens: string[] = [];
  const resets: Array<{ uid: string; token: string }> = [];
  const invitations: Array<{ patientId: string; token: string }> = [];
  const trialDoctors: Array<{ uid: string; token: string }> = [];
  const archivable: string[] = [];
  const adminTargets: string[] = [];
  let bookable: string;

  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sqlOn<T>(ctx.db, text, params);
  const createPatient = async (n: number): Promise<string> =>
    (
      await ctx.http
        .post('/api/patients')
        .set(auth(owner.token))
        .send({ firstName: 'Out', lastName: `Age ${String.fromCharCode(65 + (n % 26))}`, dateOfBirth: '1970-01-01' })
        .expect(201)
    ).body.data.id;
  const invite = async (patientId: string): Promise<string> => {
    const email = uniqueEmail('outage.invited');
    await ctx.http.post(`/api/patients/${patientId}/invite`).set(auth(owner.token)).send({ email }).expect(202);
    return tokenFrom(await ctx.mailbox.waitFor(email));
  };

  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, INVITES_PER_DAY: '1000' });
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
    owner = await verifiedDoctor(ctx, uniqueEmail('outage.owner'));
    await ctx.http.post('/api/subscriptions/trial').set(auth(owner.token)).expect(201);
    bookable = await createPatient(0);
    for (let i = 0; i < POOL; i++) {
      const email = uniqueEmail('outage.verify');
      await ctx.http.post('/api/register').send(registration(email)).expect(201);
      verifyTokens.push(tokenFrom(await ctx.mailbox.waitFor(email)));

      const resetEmail = uniqueEmail('outage.reset');
      const uid = (await ctx.http.post('/api/register').send(registration(resetEmail)).expect(201)).body.uid as string;
      await ctx.http.post('/api/password/forgot').send({ email: resetEmail }).expect(202);
      resets.push({ uid, token: tokenFrom(await ctx.mailbox.waitFor(resetEmail, 2)) });

      const invited = await createPatient(i + 1);
      invitations.push({ patientId: invited, token: await invite(invited) });

      trialDoctors.push(await verifiedDoctor(ctx, uniqueEmail('outage.trial')));

      const archived = await createPatient(100 + i);
      archivable.push(archived);
      // every third archived patient has a portal account, which the archive disables in the same transaction
      if (i % 3 === 0) {
        await ctx.http
          .post('/api/invitations/accept')
          .send({ token: await invite(archived), password: PASSWORD })
          .expect(201);
      }
    }
    for (let i = 0; i < 4; i++) adminTargets.push((await verifiedDoctor(ctx, uniqueEmail('outage.target'))).uid);
  });
  afterAll(async () => {
    try {
      execFileSync('pg_isready', ['-h', '127.0.0.1', '-q']);
    } catch {
      pg('start');
    }
    await ctx.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE (never 500, never a dropped connection), readiness fails, service resumes by itself, and no transaction is half-written', async () => {
    const verify = new Supply(verifyTokens);
    const reset = new Supply(resets);
    const accept = new Supply(invitations);
    const trial = new Supply(trialDoctors);
    const archive = new Supply(archivable);
    let flip = 0;
    let day = 0;
    const operations: Array<[string, () => Promise<Response>]> = [
      ['verify', () => ctx.http.post('/api/verification/verify').send({ token: verify.take() })],
      ['reset', () => ctx.http.post('/api/password/reset').send({ token: reset.take().token, password: NEW_PASSWORD })],
      ['accept invitation', () => ctx.http.post('/api/invitations/accept').send({ token: accept.take().token, password: PASSWORD })],
      ['trial', () => ctx.http.post('/api/subscriptions/trial').set(auth(trial.take().token))],
      [
        'admin: disable/enable',
        () =>
          ctx.http
            .patch(`/api/admin/users/${adminTargets[flip % adminTargets.length]}`)
            .set(auth(admin))
            .send({ disabled: flip++ % 2 === 0 }),
      ],
      [
        'admin: role',
        () =>
          ctx.http
            .patch(`/api/admin/users/${adminTargets[flip % adminTargets.length]}`)
            .set(auth(admin))
            .send({ role: flip++ % 3 === 0 ? 'admin' : 'doctor' }),
      ],
      [
        'admin: subscription',
        () =>
          ctx.http
            .put(`/api/admin/users/${adminTargets[flip++ % adminTargets.length]}/subscription`)
            .set(auth(admin))
            .send({ plan: 'basic', status: 'active', currentPeriodEnd: '2099-01-01T00:00:00.000Z' }),
      ],
      ['archive patient', () => ctx.http.delete(`/api/patients/${archive.take()}`).set(auth(owner.token))],
      [
        'book appointment',
        () => {
          const start = new Date(Date.UTC(2027, 0, 1) + day++ * 3_600_000);
          return ctx.http
            .post('/api/appointments')
            .set(auth(owner.token))
            .send({
              patientId: bookable,
              startsAt: start.toISOString(),
              endsAt: new Date(start.getTime() + 1_800_000).toISOString(),
              reason: 'Outage',
            });
        },
      ],
    ];

    const answers: Array<{ op: string; status: number; code?: string }> = [];
    const dropped: string[] = [];
    let running = true;
    let turn = 0;
    const worker = async () => {
      while (running) {
        const [op, call] = operations[turn++ % operations.length];
        try {
          const res = await call();
          answers.push({ op, status: res.status, code: res.body?.code });
        } catch (error) {
          dropped.push(`${op}: ${error instanceof Error ? error.message : String(error)}`);
        }
        await sleep(5);
      }
    };
    const workers = Array.from({ length: 6 }, worker);

    // the app's own connections, killed one at a time from a connection of the test's
    const killConnections = async (rounds: number) => {
      const killer = new Client({ connectionString: ctx.db.url });
      await killer.connect();
      let killed = 0;
      for (let i = 0; i < rounds; i++) {
        const { rows } = await killer.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'medisync-api'
            ORDER BY random() LIMIT 1`,
        );
        if (rows[0]) killed += Number((await killer.query(`SELECT pg_terminate_backend($1) AS ok`, [rows[0].pid])).rowCount);
        await sleep(15);
      }
      await killer.end();
      return killed;
    };

    const recoveries: number[] = [];
    let killed = 0;
    await sleep(300);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      pg('stop');
      await sleep(1000);
      const ready = await ctx.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.code).toBe('SERVICE_UNAVAILABLE');
      await ctx.http.get('/health/live').expect(200);
      pg('start');
      const back = Date.now();
      let recovered = 0;
      for (let i = 0; i < 80 && !recovered; i++) {
        if ((await ctx.http.get('/health/ready')).status === 200) recovered = Date.now() - back;
        else await sleep(250);
      }
      expect(recovered).toBeGreaterThan(0);
      recoveries.push(recovered);
      if (cycle < CYCLES - 1) killed += await killConnections(40);
    }
    await sleep(300);
    running = false;
    await Promise.all(workers);

    const by = (pred: (a: { status: number }) => boolean) => answers.filter(pred).length;
    console.log(
      `outage: ${CYCLES} stop/start cycles (ready again after ${recoveries.join(', ')} ms), ${killed} connections killed mid-load; ` +
        `${answers.length} requests: ${by((a) => a.status < 400)} succeeded, ${by((a) => a.status === 503)} answered 503, ` +
        `${by((a) => a.status >= 400 && a.status < 500)} 4xx`,
    );
    expect(dropped).toEqual([]);
    expect(answers.filter((a) => a.status >= 500 && (a.status !== 503 || a.code !== 'SERVICE_UNAVAILABLE'))).toEqual([]);
    expect(by((a) => a.status === 503)).toBeGreaterThan(0);
    // every operation got through at least once while the load ran
    for (const [op] of operations) expect(answers.some((a) => a.op === op && a.status < 400)).toBe(true);

    // after recovery everything works again
    await ctx.http
      .post('/api/register')
      .send(registration(uniqueEmail('outage.after')))
      .expect(201);

    // atomicity, per transaction: each effect goes with every other effect of the same transaction
    const verified = await sql<{ spent: boolean; verified: boolean; audited: boolean }>(
      `SELECT t.used_at IS NOT NULL AS spent, u.email_verified_at IS NOT NULL AS verified,
              EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'email.verified' AND e.target_id = u.id) AS audited
         FROM users u JOIN one_time_tokens t ON t.user_id = u.id AND t.purpose = 'email_verification'
        WHERE u.email LIKE 'outage.verify.%'`,
    );
    expect(verified).toHaveLength(POOL);
    for (const r of verified) expect([r.spent, r.audited]).toEqual([r.verified, r.verified]);

    const resetRows = await sql<{ spent: boolean; audited: boolean; verified: boolean }>(
      `SELECT t.used_at IS NOT NULL AS spent, u.email_verified_at IS NOT NULL AS verified,
              EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'password.reset' AND e.target_id = u.id) AS audited
         FROM users u JOIN one_time_tokens t ON t.user_id = u.id AND t.purpose = 'password_reset'
        WHERE u.email LIKE 'outage.reset.%'`,
    );
    expect(resetRows).toHaveLength(POOL);
    for (const r of resetRows) expect([r.spent, r.verified]).toEqual([r.audited, r.audited]);

    const accepted = await sql<{ spent: boolean; linked: boolean; audited: boolean }>(
      `SELECT t.used_at IS NOT NULL AS spent, p.user_id IS NOT NULL AS linked,
              EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'invitation.accepted' AND e.target_id = p.id) AS audited
         FROM patients p JOIN one_time_tokens t ON t.purpose = 'invitation' AND t.payload->>'patientId' = p.id::text
        WHERE p.id = ANY($1)`,
      [invitations.map((i) => i.patientId)],
    );
    expect(accepted).toHaveLength(POOL);
    for (const r of accepted) expect([r.spent, r.audited]).toEqual([r.linked, r.linked]);
    // no portal account without its patient link
    const orphans = await sql(
      `SELECT u.id FROM users u WHERE u.email LIKE 'outage.invited.%' AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.user_id = u.id)`,
    );
    expect(orphans).toEqual([]);

    const trials = await sql<{ rows: string; audited: string }>(
      `SELECT (SELECT count(*) FROM subscriptions s WHERE s.user_id = u.id AND s.is_trial) AS rows,
              (SELECT count(*) FROM audit_events e WHERE e.action = 'subscription.trial_started' AND e.target_id = u.id) AS audited
         FROM users u WHERE u.id = ANY($1)`,
      [trialDoctors.map((d) => d.uid)],
    );
    for (const r of trials) expect(r.rows).toBe(r.audited);

    const targets = await sql<{
      disabled: boolean;
      last: string | null;
      role: string;
      last_role: string | null;
      grants: string;
      granted: string;
    }>(
      `SELECT u.disabled_at IS NOT NULL AS disabled, u.role,
              (SELECT e.action FROM audit_events e WHERE e.target_id = u.id AND e.action IN ('user.disabled', 'user.enabled')
                ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS last,
              (SELECT e.details->>'to' FROM audit_events e WHERE e.target_id = u.id AND e.action = 'user.role_changed'
                ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS last_role,
              (SELECT count(*) FROM subscriptions s WHERE s.user_id = u.id AND NOT s.is_trial) AS grants,
              (SELECT count(*) FROM audit_events e WHERE e.action = 'subscription.changed' AND e.target_id = u.id) AS granted
         FROM users u WHERE u.id = ANY($1)`,
      [adminTargets],
    );
    for (const t of targets) {
      expect(t.disabled).toBe(t.last === 'user.disabled');
      expect(t.role).toBe(t.last_role ?? 'doctor');
      expect(t.grants).toBe(t.granted);
    }

    const archivedRows = await sql<{ archived: boolean; audited: boolean; account_disabled: boolean | null }>(
      `SELECT p.deleted_at IS NOT NULL AS archived,
              EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'patient.deleted' AND e.target_id = p.id) AS audited,
              (SELECT u.disabled_at IS NOT NULL FROM users u WHERE u.id = p.user_id) AS account_disabled
         FROM patients p WHERE p.id = ANY($1)`,
      [archivable],
    );
    expect(archivedRows).toHaveLength(POOL);
    for (const r of archivedRows) {
      expect(r.audited).toBe(r.archived);
      if (r.account_disabled !== null) expect(r.account_disabled).toBe(r.archived);
    }

    const [booked] = await sql<{ rows: string; audited: string }>(
      `SELECT (SELECT count(*) FROM appointments WHERE patient_id = $1) AS rows,
              (SELECT count(*) FROM audit_events e WHERE e.action = 'appointment.created' AND e.details->>'patientId' = $1::text) AS audited`,
      [bookable],
    );
    expect(booked.rows).toBe(booked.audited);
  });
});
