import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { expectEnvelope, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';
import { tokenFrom } from './support/smtp';

const ADMIN = { email: 'root@example.org', password: 'Adm1n-Passw0rd' };
const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const at = (days: number, hour = 9) => new Date(Date.UTC(2026, 11, 1 + days, hour)).toISOString();

type Doctor = { email: string; uid: string; token: string };
const MAX = { firstName: 'Max', lastName: 'Mustermann', dateOfBirth: '1980-04-12', phone: '+49 30 1234567' };
const ERIKA = { firstName: 'Erika', lastName: 'Musterfrau', dateOfBirth: '1975-01-30' };
const HYPERTENSION = 'Essential hypertension, BP 150/95';

/**
 * Each test makes the doctor that owns its data (`a`) and everything it reads, so any test runs alone
 * or in any order. Shared from beforeAll: the admin, a second subscribed doctor `b` (the outsider to
 * `a`'s data) and `c`, a doctor without a subscription. No test changes their accounts; some give `b`
 * a patient or appointment of its own, which no test counts. Figures over the whole system (the
 * admin's lists and analytics) are compared with the same figures read at the start of the test.
 */
describe('clinical resources: ownership over real HTTP', () => {
  let ctx: TestContext;
  let admin: string;
  let b: Doctor; // a second doctor with a subscription
  let c: Doctor; // a doctor without a subscription

  /** A fresh verified doctor on a trial: the owner of what the test makes. */
  const subscribedDoctor = async (): Promise<Doctor> => {
    const doctor = await verifiedDoctor(ctx);
    await ctx.http.post('/api/subscriptions/trial').set(auth(doctor.token)).expect(201);
    return doctor;
  };
  const newPatient = async (doctor: Doctor, body: Record<string, unknown> = MAX): Promise<string> =>
    (await ctx.http.post('/api/patients').set(auth(doctor.token)).send(body).expect(201)).body.data.id;
  const newAppointment = async (doctor: Doctor, patientId: string, day = 1, reason = 'Blood pressure check'): Promise<string> =>
    (
      await ctx.http
        .post('/api/appointments')
        .set(auth(doctor.token))
        .send({ patientId, startsAt: at(day), endsAt: at(day, 10), reason })
        .expect(201)
    ).body.data.id;
  const newRecord = async (doctor: Doctor, patientId: string, content = HYPERTENSION): Promise<void> => {
    await ctx.http.post(`/api/patients/${patientId}/records`).set(auth(doctor.token)).send({ type: 'diagnosis', content }).expect(201);
  };
  /** Invites the patient to the portal and accepts the emailed invitation; returns the patient's login token. */
  const portalAccount = async (doctor: Doctor, patientId: string): Promise<string> => {
    const email = uniqueEmail('patient');
    await ctx.http.post(`/api/patients/${patientId}/invite`).set(auth(doctor.token)).send({ email }).expect(202);
    const token = tokenFrom(await ctx.mailbox.waitFor(email));
    await ctx.http.post('/api/invitations/accept').send({ token, password: 'Patient-Passw0rd' }).expect(201);
    return (await ctx.http.post('/api/login').send({ email, password: 'Patient-Passw0rd' }).expect(200)).body.token;
  };

  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
    b = await subscribedDoctor();
    c = await verifiedDoctor(ctx);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('patients: a doctor creates, lists (own only, searchable, paginated), reads and updates their own', async () => {
    const a = await subscribedDoctor();
    const allBefore = (await ctx.http.get('/api/patients?q=muster').set(auth(admin)).expect(200)).body.meta.total as number;
    const created = await ctx.http.post('/api/patients').set(auth(a.token)).send(MAX).expect(201);
    expect(created.body.data).toMatchObject({
      firstName: 'Max',
      lastName: 'Mustermann',
      dateOfBirth: '1980-04-12',
      email: null,
      doctorId: a.uid,
      hasPortalAccount: false,
    });
    const patientId = created.body.data.id;
    await newPatient(b, ERIKA);
    const mine = await ctx.http.get('/api/patients?q=muster').set(auth(a.token)).expect(200);
    expect(mine.body.data.map((p: { id: string }) => p.id)).toEqual([patientId]);
    expect(mine.body.meta).toEqual({ page: 1, limit: 20, total: 1 });
    const all = await ctx.http.get('/api/patients?q=muster').set(auth(admin)).expect(200);
    expect(all.body.meta.total).toBe(allBefore + 2);
    await ctx.http.get(`/api/patients/${patientId}`).set(auth(a.token)).expect(200);
    const updated = await ctx.http
      .patch(`/api/patients/${patientId}`)
      .set(auth(a.token))
      .send({ phone: null, firstName: 'Maximilian' })
      .expect(200);
    expect(updated.body.data).toMatchObject({ firstName: 'Maximilian', phone: null });
    for (const body of [
      { dateOfBirth: '2999-01-01' },
      { dateOfBirth: '1980-02-30' },
      { firstName: null },
      { doctorId: b.uid },
      { email: 'nope' },
    ]) {
      expectEnvelope(
        (await ctx.http.patch(`/api/patients/${patientId}`).set(auth(a.token)).send(body).expect(400)).body,
        400,
        'VALIDATION_ERROR',
      );
    }
  });

  it("a second doctor gets NOT_OWNER on every patient route of the first doctor's patient; unknown ids are 404, bad ids 400", async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a, { ...MAX, firstName: 'Maximilian' });
    const calls = [
      ctx.http.get(`/api/patients/${patientId}`),
      ctx.http.patch(`/api/patients/${patientId}`).send({ firstName: 'X' }),
      ctx.http.delete(`/api/patients/${patientId}`),
      ctx.http.post(`/api/patients/${patientId}/invite`).send({ email: 'someone@example.org' }),
      ctx.http.post(`/api/patients/${patientId}/records`).send({ type: 'note', content: 'x' }),
      ctx.http.get(`/api/patients/${patientId}/records`),
      ctx.http.post('/api/appointments').send({ patientId, startsAt: at(1), endsAt: at(1, 10), reason: 'x' }),
    ];
    for (const call of calls)
      expectEnvelope((await call.set(auth(b.token)).expect(403)).body, 403, 'NOT_OWNER', 'You do not have access to this resource');
    await ctx.http.get('/api/patients/00000000-0000-4000-8000-000000000000').set(auth(a.token)).expect(404);
    expectEnvelope((await ctx.http.get('/api/patients/123').set(auth(a.token)).expect(400)).body, 400, 'VALIDATION_ERROR');
    expect((await ctx.http.get(`/api/patients/${patientId}`).set(auth(a.token)).expect(200)).body.data.firstName).toBe('Maximilian');
  });

  it('appointments: subscription-gated creation for an own patient, endsAt after startsAt, owner-only updates', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a);
    const otherPatientId = await newPatient(b, ERIKA);
    const allBefore = (await ctx.http.get('/api/appointments').set(auth(admin)).expect(200)).body.meta.total as number;
    const bad = await ctx.http
      .post('/api/appointments')
      .set(auth(a.token))
      .send({ patientId, startsAt: at(1, 10), endsAt: at(1, 9), reason: 'Check-up' })
      .expect(400);
    expect(bad.body.details).toEqual([{ field: 'endsAt', message: 'endsAt must be after startsAt' }]);
    // a date that does not exist is refused, not rolled over to the next month
    const feb30 = await ctx.http
      .post('/api/appointments')
      .set(auth(a.token))
      .send({ patientId, startsAt: '2026-02-30T09:00:00Z', endsAt: '2026-02-30T10:00:00Z', reason: 'x' })
      .expect(400);
    expect(feb30.body.details.map((d: { field: string }) => d.field)).toEqual(['startsAt', 'endsAt']);
    expectEnvelope(
      (
        await ctx.http
          .post('/api/appointments')
          .set(auth(c.token))
          .send({ patientId, startsAt: at(1), endsAt: at(1, 10), reason: 'x' })
          .expect(403)
      ).body,
      403,
      'SUBSCRIPTION_REQUIRED',
    );
    const created = await ctx.http
      .post('/api/appointments')
      .set(auth(a.token))
      .send({ patientId, startsAt: at(1), endsAt: at(1, 10), reason: 'Blood pressure check' })
      .expect(201);
    expect(created.body.data).toMatchObject({
      patientId,
      doctorId: a.uid,
      reason: 'Blood pressure check',
      status: 'planned',
      startsAt: at(1),
      endsAt: at(1, 10),
    });
    const appointmentId = created.body.data.id;
    await ctx.http
      .post('/api/appointments')
      .set(auth(b.token))
      .send({ patientId: otherPatientId, startsAt: at(2), endsAt: at(2, 10), reason: 'B’s own' })
      .expect(201);
    const list = await ctx.http.get('/api/appointments').set(auth(a.token)).expect(200);
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([appointmentId]);
    expect((await ctx.http.get('/api/appointments').set(auth(admin)).expect(200)).body.meta.total).toBe(allBefore + 2);
    expectEnvelope((await ctx.http.get(`/api/appointments/${appointmentId}`).set(auth(b.token)).expect(403)).body, 403, 'NOT_OWNER');
    expectEnvelope(
      (await ctx.http.patch(`/api/appointments/${appointmentId}`).set(auth(b.token)).send({ status: 'canceled' }).expect(403)).body,
      403,
      'NOT_OWNER',
    );
    await ctx.http
      .patch(`/api/appointments/${appointmentId}`)
      .set(auth(a.token))
      .send({ endsAt: at(0) })
      .expect(400);
    await ctx.http.patch(`/api/appointments/${appointmentId}`).set(auth(a.token)).send({ status: 'done' }).expect(400);
    const moved = await ctx.http
      .patch(`/api/appointments/${appointmentId}`)
      .set(auth(a.token))
      .send({ startsAt: at(3), endsAt: at(3, 10), reason: 'Moved' })
      .expect(200);
    expect(moved.body.data).toMatchObject({ startsAt: at(3), reason: 'Moved', status: 'planned' });
    await ctx.http.patch(`/api/appointments/${appointmentId}`).set(auth(admin)).send({ status: 'finished' }).expect(200);
    expect((await ctx.http.get(`/api/appointments?status=finished`).set(auth(a.token)).expect(200)).body.meta.total).toBe(1);
    const range = (q: string) => ctx.http.get(`/api/appointments?${q}`).set(auth(a.token)).expect(200);
    expect((await range(`from=${encodeURIComponent(at(3))}&to=${encodeURIComponent(at(4))}`)).body.meta.total).toBe(1);
    expect((await range(`from=${encodeURIComponent(at(4))}`)).body.meta.total).toBe(0);
  });

  it('records: the owning doctor writes; others get NOT_OWNER', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a);
    const rec = await ctx.http
      .post(`/api/patients/${patientId}/records`)
      .set(auth(a.token))
      .send({ type: 'diagnosis', content: 'Essential hypertension, BP 150/95' })
      .expect(201);
    expect(rec.body.data).toMatchObject({ patientId, authorId: a.uid, type: 'diagnosis', content: 'Essential hypertension, BP 150/95' });
    await ctx.http.post(`/api/patients/${patientId}/records`).set(auth(a.token)).send({ type: 'gossip', content: 'x' }).expect(400);
    const list = await ctx.http.get(`/api/patients/${patientId}/records`).set(auth(a.token)).expect(200);
    expect(list.body.meta.total).toBe(1);
    await ctx.http.get(`/api/patients/${patientId}/records`).set(auth(admin)).expect(200);
  });

  it('invitation: a single-use emailed link creates a verified patient account that reads only its own data', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a);
    await newRecord(a, patientId);
    const appointmentId = await newAppointment(a, patientId);
    const otherPatientId = await newPatient(b, ERIKA);
    const bAppointment = await newAppointment(b, otherPatientId, 2, 'B’s own');
    const email = uniqueEmail('patient');
    const invited = await ctx.http.post(`/api/patients/${patientId}/invite`).set(auth(a.token)).send({ email }).expect(202);
    expect(new Date(invited.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86400_000);
    const mail = await ctx.mailbox.waitFor(email);
    expect(mail.text).toContain('http://medisync.test/accept-invitation?token=');
    const token = tokenFrom(mail);
    await ctx.http.post('/api/invitations/accept').send({ token, password: 'weak' }).expect(400);
    const accepted = await ctx.http.post('/api/invitations/accept').send({ token, password: 'Patient-Passw0rd' }).expect(201);
    expect(accepted.body).toMatchObject({ success: true, email, role: 'patient', emailVerified: true });
    expectEnvelope(
      (await ctx.http.post('/api/invitations/accept').send({ token, password: 'Patient-Passw0rd' }).expect(410)).body,
      410,
      'TOKEN_USED_OR_EXPIRED',
    );
    const login = await ctx.http.post('/api/login').send({ email, password: 'Patient-Passw0rd' }).expect(200);
    expect(login.body.role).toBe('patient');
    const patientToken = login.body.token;
    expectEnvelope(
      (await ctx.http.post(`/api/patients/${patientId}/invite`).set(auth(a.token)).send({ email: 'other@example.org' }).expect(409)).body,
      409,
      'CONFLICT',
    );
    expectEnvelope(
      (await ctx.http.post(`/api/patients/${otherPatientId}/invite`).set(auth(b.token)).send({ email }).expect(409)).body,
      409,
      'EMAIL_TAKEN',
    );

    const mine = await ctx.http.get('/api/me/records').set(auth(patientToken)).expect(200);
    expect(mine.body.data.map((r: { content: string }) => r.content)).toEqual(['Essential hypertension, BP 150/95']);
    await ctx.http.get(`/api/patients/${patientId}/records`).set(auth(patientToken)).expect(200);
    expectEnvelope(
      (await ctx.http.get(`/api/patients/${otherPatientId}/records`).set(auth(patientToken)).expect(403)).body,
      403,
      'NOT_OWNER',
    );
    const appts = await ctx.http.get('/api/appointments').set(auth(patientToken)).expect(200);
    expect(appts.body.data.map((x: { id: string }) => x.id)).toEqual([appointmentId]);
    await ctx.http.get(`/api/appointments/${appointmentId}`).set(auth(patientToken)).expect(200);
    expectEnvelope((await ctx.http.get(`/api/appointments/${bAppointment}`).set(auth(patientToken)).expect(403)).body, 403, 'NOT_OWNER');
    for (const call of [
      ctx.http.patch(`/api/appointments/${appointmentId}`).send({ status: 'canceled' }),
      ctx.http.post('/api/appointments').send({ patientId, startsAt: at(5), endsAt: at(5, 10), reason: 'x' }),
      ctx.http.get('/api/patients'),
      ctx.http.get(`/api/patients/${patientId}`),
      ctx.http.post(`/api/patients/${patientId}/records`).send({ type: 'note', content: 'x' }),
      ctx.http.post('/api/ai/diagnosis-predictions').send({ symptoms: ['fever'] }),
      ctx.http.get('/api/analytics/summary'),
    ]) {
      expectEnvelope((await call.set(auth(patientToken)).expect(403)).body, 403, 'ROLE_REQUIRED');
    }
    expectEnvelope(
      (await ctx.http.get('/api/me/records').set(auth(a.token)).expect(403)).body,
      403,
      'ROLE_REQUIRED',
      'Access denied. Required role: patient',
    );
  });

  it('AI (rules provider): a note in each template for an own appointment, diagnosis from the symptom table, provider named, review required', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a);
    await newRecord(a, patientId);
    const appointmentId = await newAppointment(a, patientId);
    for (const [template, language, heading] of [
      ['soap_note', 'en', 'Subjective'],
      ['progress_note', 'de', 'Verlauf'],
      ['consultation_note', 'fr', 'Recommandation'],
    ]) {
      const res = await ctx.http
        .post('/api/ai/clinical-notes')
        .set(auth(a.token))
        .send({ appointmentId, notes_template_type: template, language })
        .expect(200);
      expect(res.body.data).toMatchObject({
        appointmentId,
        notes_template_type: template,
        language,
        provider: 'rules',
        reviewRequired: true,
      });
      expect(res.body.data.notes).toContain(heading);
      expect(res.body.data.notes).toContain('Essential hypertension');
      expect(res.body.data.disclaimer).toMatch(/clinician must review/);
    }
    const defaults = await ctx.http.post('/api/ai/clinical-notes').set(auth(a.token)).send({ appointmentId }).expect(200);
    expect(defaults.body.data).toMatchObject({ notes_template_type: 'soap_note', language: 'en' });
    const covid = await ctx.http
      .post('/api/ai/diagnosis-predictions')
      .set(auth(a.token))
      .send({ symptoms: ['Fever', 'cough', 'loss of smell', 'loss of taste'], appointmentId })
      .expect(200);
    expect(covid.body.data).toMatchObject({
      status: 'generated',
      main_diagnosis: 'COVID-19',
      icd_code: 'U07.1',
      provider: 'rules',
      reviewRequired: true,
    });
    expect(covid.body.data.reason).toContain('loss of smell');
    const none = await ctx.http
      .post('/api/ai/diagnosis-predictions')
      .set(auth(a.token))
      .send({ symptoms: ['purple elbows'] })
      .expect(200);
    expect(none.body.data.icd_code).toBe('R69');
    for (const body of [{ symptoms: [] }, { symptoms: 'fever' }, { symptoms: [1] }, { symptoms: ['x'], appointmentId: 'nope' }]) {
      await ctx.http.post('/api/ai/diagnosis-predictions').set(auth(a.token)).send(body).expect(400);
    }
    await ctx.http.post('/api/ai/clinical-notes').set(auth(a.token)).send({ appointmentId, notes_template_type: 'poem' }).expect(400);
    expectEnvelope(
      (await ctx.http.post('/api/ai/clinical-notes').set(auth(b.token)).send({ appointmentId }).expect(403)).body,
      403,
      'NOT_OWNER',
    );
    expectEnvelope(
      (await ctx.http.post('/api/ai/clinical-notes').set(auth(c.token)).send({ appointmentId }).expect(403)).body,
      403,
      'SUBSCRIPTION_REQUIRED',
    );
    await ctx.http.post('/api/ai/clinical-notes').set(auth(admin)).send({ appointmentId }).expect(200);
  });

  it('analytics: own figures for a doctor, system-wide for an admin, computed in SQL', async () => {
    const before = (await ctx.http.get('/api/analytics/summary').set(auth(admin)).expect(200)).body.data;
    const a = await subscribedDoctor();
    const appointmentId = await newAppointment(a, await newPatient(a), 3, 'Moved');
    await ctx.http.patch(`/api/appointments/${appointmentId}`).set(auth(admin)).send({ status: 'finished' }).expect(200);
    await newAppointment(b, await newPatient(b, ERIKA), 2, 'B’s own');
    const mine = await ctx.http.get('/api/analytics/summary').set(auth(a.token)).expect(200);
    expect(mine.body.data).toEqual({
      scope: 'doctor',
      patients: 1,
      appointments: 1,
      appointmentsByStatus: { planned: 0, finished: 1, canceled: 0 },
      appointmentsByMonth: [{ month: '2026-12', count: 1 }],
    });
    const system = await ctx.http.get('/api/analytics/summary').set(auth(admin)).expect(200);
    expect(system.body.data).toMatchObject({
      scope: 'system',
      patients: before.patients + 2,
      appointments: before.appointments + 2,
      appointmentsByStatus: {
        planned: before.appointmentsByStatus.planned + 1,
        finished: before.appointmentsByStatus.finished + 1,
        canceled: before.appointmentsByStatus.canceled,
      },
    });
    expectEnvelope((await ctx.http.get('/api/analytics/summary').set(auth(c.token)).expect(403)).body, 403, 'SUBSCRIPTION_REQUIRED');
  });

  it('every change to a clinical row is audited (who, what, when) without clinical text', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a);
    await ctx.http.patch(`/api/patients/${patientId}`).set(auth(a.token)).send({ firstName: 'Maximilian' }).expect(200);
    await newRecord(a, patientId);
    const appointmentId = await newAppointment(a, patientId);
    await ctx.http.patch(`/api/appointments/${appointmentId}`).set(auth(a.token)).send({ reason: 'Moved' }).expect(200);
    await ctx.http
      .post(`/api/patients/${patientId}/invite`)
      .set(auth(a.token))
      .send({ email: uniqueEmail('patient') })
      .expect(202);
    await ctx.http.post('/api/ai/clinical-notes').set(auth(a.token)).send({ appointmentId }).expect(200);
    const events = await ctx.http.get(`/api/admin/audit-events?actorId=${a.uid}&limit=100`).set(auth(admin)).expect(200);
    const actions = new Set(events.body.data.map((e: { action: string }) => e.action));
    for (const x of [
      'patient.created',
      'patient.updated',
      'appointment.created',
      'appointment.updated',
      'record.created',
      'patient.invited',
      'ai.clinical_note',
    ])
      expect(actions).toContain(x);
    const client = new Client({ connectionString: ctx.db.url });
    await client.connect();
    const all = JSON.stringify((await client.query('SELECT * FROM audit_events')).rows);
    await client.end();
    expect(all).not.toContain('Essential hypertension');
    expect(all).not.toContain('Blood pressure check');
    expect(all).not.toContain('Mustermann');
  });

  it('deleting a patient archives it: gone from the API, appointments and records kept, portal account disabled', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a);
    await newRecord(a, patientId);
    const appointmentId = await newAppointment(a, patientId);
    const patientToken = await portalAccount(a, patientId);
    expectEnvelope((await ctx.http.delete(`/api/patients/${patientId}`).set(auth(b.token)).expect(403)).body, 403, 'NOT_OWNER');
    await ctx.http.delete(`/api/patients/${patientId}`).set(auth(a.token)).expect(200);
    await ctx.http.get(`/api/patients/${patientId}`).set(auth(a.token)).expect(404);
    expect((await ctx.http.get('/api/patients').set(auth(a.token)).expect(200)).body.meta.total).toBe(0);
    expect((await ctx.http.get('/api/appointments').set(auth(a.token)).expect(200)).body.meta.total).toBe(0);
    await ctx.http.get(`/api/appointments/${appointmentId}`).set(auth(a.token)).expect(404);
    expectEnvelope((await ctx.http.get('/api/me/records').set(auth(patientToken)).expect(401)).body, 401, 'TOKEN_REVOKED');
    const client = new Client({ connectionString: ctx.db.url });
    await client.connect();
    const kept = await client.query(
      `SELECT (SELECT count(*)::int FROM records WHERE patient_id = $1) AS r, (SELECT count(*)::int FROM appointments WHERE patient_id = $1) AS a`,
      [patientId],
    );
    await client.end();
    expect(kept.rows[0]).toEqual({ r: 1, a: 1 });
  });
});

describe('AI over an OpenAI-compatible endpoint (AI_PROVIDER=openai)', () => {
  let ctx: TestContext;
  let server: Server;
  let mode: 'ok' | 'error' | 'hang' | 'garbage' = 'ok';
  let lastRequest: { auth?: string; body?: { model: string; messages: Array<{ content: string }> } } = {};
  let doctor: { token: string };
  let appointmentId: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        lastRequest = { auth: req.headers.authorization, body: JSON.parse(raw || '{}') };
        if (mode === 'hang') return; // never answers
        if (mode === 'error') return void res.writeHead(500).end('{"error":"boom"}');
        const json = raw.includes('json_object');
        const content =
          mode === 'garbage'
            ? json
              ? 'not json'
              : ''
            : json
              ? '{"main_diagnosis":"Influenza","icd_code":"J11.1","reason":"fever and aches"}'
              : 'S: headache\nO: BP 150/95';
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    ctx = await startTestApp({
      AI_PROVIDER: 'openai',
      AI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      AI_API_KEY: 'sk-test-key',
      AI_MODEL: 'local-model',
      AI_TIMEOUT_MS: '500',
    });
    doctor = await verifiedDoctor(ctx);
    await ctx.http.post('/api/subscriptions/trial').set(auth(doctor.token)).expect(201);
    const patient = (
      await ctx.http
        .post('/api/patients')
        .set(auth(doctor.token))
        .send({ firstName: 'Ann', lastName: 'Secretname', dateOfBirth: '1990-06-01' })
        .expect(201)
    ).body.data.id;
    appointmentId = (
      await ctx.http
        .post('/api/appointments')
        .set(auth(doctor.token))
        .send({ patientId: patient, startsAt: at(1), endsAt: at(1, 10), reason: 'Headache' })
        .expect(201)
    ).body.data.id;
  });
  afterAll(async () => {
    await ctx.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers with the endpoint’s content, naming the provider; sends the model and key but no patient name', async () => {
    mode = 'ok';
    const note = await ctx.http.post('/api/ai/clinical-notes').set(auth(doctor.token)).send({ appointmentId }).expect(200);
    expect(note.body.data).toMatchObject({
      notes: 'S: headache\nO: BP 150/95',
      summary: 'S: headache',
      provider: 'openai',
      reviewRequired: true,
    });
    expect(lastRequest.auth).toBe('Bearer sk-test-key');
    expect(lastRequest.body?.model).toBe('local-model');
    expect(JSON.stringify(lastRequest.body)).not.toContain('Secretname');
    const dx = await ctx.http
      .post('/api/ai/diagnosis-predictions')
      .set(auth(doctor.token))
      .send({ symptoms: ['fever'] })
      .expect(200);
    expect(dx.body.data).toMatchObject({ status: 'generated', main_diagnosis: 'Influenza', icd_code: 'J11.1', provider: 'openai' });
  });

  it.each([['error'], ['hang'], ['garbage']] as const)(
    'a failing endpoint (%s) is 502 UPSTREAM_ERROR, never a hang or a 500',
    async (m) => {
      mode = m;
      const res = await ctx.http
        .post('/api/ai/diagnosis-predictions')
        .set(auth(doctor.token))
        .send({ symptoms: ['fever'] })
        .expect(502);
      expectEnvelope(res.body, 502, 'UPSTREAM_ERROR');
      expect(JSON.stringify(res.body)).not.toContain('sk-test-key');
    },
  );
});
