import createClient from 'openapi-fetch';
import type { paths } from './generated/openapi';
import { startTestApp, TestContext, uniqueEmail } from './support/app';
import { tokenFrom } from './support/smtp';

/**
 * An integrator's view: a client generated from the served OpenAPI document (openapi-typescript +
 * openapi-fetch, `npm run openapi:types`) drives the main flows. It type-checks against the document,
 * so a contract change that breaks integrators breaks `npm run typecheck` first.
 */
describe('a client generated from the OpenAPI document', () => {
  let ctx: TestContext;
  let api: ReturnType<typeof createClient<paths>>;

  beforeAll(async () => {
    ctx = await startTestApp();
    api = createClient<paths>({ baseUrl: await ctx.app.getUrl() });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('registers, verifies, logs in, starts a trial, and manages a patient, an appointment, a record, AI and analytics', async () => {
    const email = uniqueEmail('integrator');
    const password = 'Integr4tor-Passw0rd';
    const reg = await api.POST('/api/register', {
      body: {
        title: 'Dr.',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email,
        password,
        specialty: 'Mathematics',
        ehr_system_type: 'cloud',
        ehr_system_name: 'Analytical Engine',
      },
    });
    expect(reg.response.status).toBe(201);
    expect(reg.data?.emailVerified).toBe(false);

    const verify = await api.POST('/api/verification/verify', { body: { token: tokenFrom(await ctx.mailbox.waitFor(email)) } });
    expect(verify.data?.emailVerified).toBe(true);

    const login = await api.POST('/api/login', { body: { email, password } });
    expect(login.response.status).toBe(200);
    const headers = { Authorization: `Bearer ${login.data!.token}` };

    const me = await api.GET('/api/users/me', { headers });
    expect(me.data?.user.email).toBe(email);

    const trial = await api.POST('/api/subscriptions/trial', { headers });
    expect(trial.data?.subscription?.plan).toBe('professional');

    const patient = await api.POST('/api/patients', {
      headers,
      body: { firstName: 'Grace', lastName: 'Hopper', dateOfBirth: '1960-12-09' },
    });
    const patientId = patient.data!.data.id;
    const appointment = await api.POST('/api/appointments', {
      headers,
      body: { patientId, startsAt: '2027-01-10T09:00:00Z', endsAt: '2027-01-10T09:30:00Z', reason: 'Annual check-up' },
    });
    expect(appointment.data?.data.status).toBe('planned');
    const record = await api.POST('/api/patients/{id}/records', {
      headers,
      params: { path: { id: patientId } },
      body: { type: 'note', content: 'All well.' },
    });
    expect(record.response.status).toBe(201);
    const note = await api.POST('/api/ai/clinical-notes', { headers, body: { appointmentId: appointment.data!.data.id } });
    expect(note.data?.data.provider).toBe('rules');
    const summary = await api.GET('/api/analytics/summary', { headers });
    expect(summary.data?.data.patients).toBe(1);

    const bad = await api.POST('/api/appointments', {
      headers,
      body: { patientId, startsAt: '2027-01-10T09:00:00Z', endsAt: '2027-01-10T08:00:00Z', reason: 'x' },
    });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.code).toBe('VALIDATION_ERROR');

    expect((await api.POST('/api/logout', { headers })).response.status).toBe(200);
    const after = await api.GET('/api/users/me', { headers });
    expect(after.error?.code).toBe('TOKEN_REVOKED');
  });
});
