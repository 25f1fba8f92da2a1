import type { Appointment, Bundle, CapabilityStatement, DocumentReference, OperationOutcome, Patient, Practitioner } from 'fhir/r4';
import { Client } from 'fhir-kit-client';
import { startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';
import { expectValidFhir } from './support/fhir';
import { tokenFrom } from './support/smtp';

const ADMIN = { email: 'fhir-root@example.org', password: 'Adm1n-Passw0rd' };
const APP_URL = 'http://medisync.test';
const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const at = (days: number, hour = 9) => new Date(Date.UTC(2026, 11, 1 + days, hour)).toISOString();
const ids = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource!.id!);
const typesIn = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource!.resourceType);

type Doctor = { email: string; uid: string; token: string };
type Failure = { status: number; body: OperationOutcome };

/**
 * The FHIR R4 interface over real HTTP, driven by a real FHIR client (fhir-kit-client), with every
 * resource received validated against the official FHIR R4 JSON schema. Each test makes the doctor that
 * owns its data, so tests run alone or in any order; the admin and an outsider doctor `b` are shared.
 */
describe('FHIR R4', () => {
  let ctx: TestContext;
  let base: string; // where the server really listens; APP_URL is what it advertises
  let admin: string;
  let b: Doctor;

  /** A FHIR client for a token (or none), against the running server. */
  const fhir = (token?: string) => new Client({ baseUrl: `${base}/fhir/R4`, ...(token ? { bearerToken: token } : {}) });
  /** The client's error for a refused call: its status and the OperationOutcome, validated. */
  const failure = async (call: Promise<unknown>): Promise<Failure> => {
    const error = (await call.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    )) as { response?: { status: number; data: unknown } };
    if (!error.response) throw error as Error;
    return { status: error.response.status, body: expectValidFhir<OperationOutcome>(error.response.data) };
  };
  const expectOutcome = (f: Failure, status: number, issueCode: string, errorCode: string) => {
    expect(f.status).toBe(status);
    expect(f.body.issue).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: issueCode,
        details: { coding: [{ system: 'urn:medisync:error-code', code: errorCode }] },
      }),
    ]);
  };
  /** Follows a paging link as a reverse proxy would: the server advertises APP_URL, the test reaches it at `base`. */
  const viaProxy = (bundle: Bundle) => ({
    ...bundle,
    link: (bundle.link ?? []).map((l) => {
      expect(l.url.startsWith(`${APP_URL}/fhir/R4/`)).toBe(true);
      return { relation: l.relation, url: l.url.replace(APP_URL, base) };
    }),
  });

  const subscribedDoctor = async (): Promise<Doctor> => {
    const doctor = await verifiedDoctor(ctx);
    await ctx.http.post('/api/subscriptions/trial').set(auth(doctor.token)).expect(201);
    // a fresh login: the permissions in the response are the trial's
    return doctor;
  };
  const newPatient = async (doctor: Doctor, body: Record<string, unknown>): Promise<string> =>
    (await ctx.http.post('/api/patients').set(auth(doctor.token)).send(body).expect(201)).body.data.id;
  const newAppointment = async (doctor: Doctor, patientId: string, day: number, reason = 'Blood pressure check'): Promise<string> =>
    (
      await ctx.http
        .post('/api/appointments')
        .set(auth(doctor.token))
        .send({ patientId, startsAt: at(day), endsAt: at(day, 10), reason })
        .expect(201)
    ).body.data.id;
  const newRecord = async (doctor: Doctor, patientId: string, type: string, content: string): Promise<string> =>
    (await ctx.http.post(`/api/patients/${patientId}/records`).set(auth(doctor.token)).send({ type, content }).expect(201)).body.data.id;
  const portalAccount = async (doctor: Doctor, patientId: string): Promise<{ token: string; permissions: Record<string, boolean> }> => {
    const email = uniqueEmail('patient');
    await ctx.http.post(`/api/patients/${patientId}/invite`).set(auth(doctor.token)).send({ email }).expect(202);
    const token = tokenFrom(await ctx.mailbox.waitFor(email));
    await ctx.http.post('/api/invitations/accept').send({ token, password: 'Patient-Passw0rd' }).expect(201);
    const login = await ctx.http.post('/api/login').send({ email, password: 'Patient-Passw0rd' }).expect(200);
    return { token: login.body.token, permissions: login.body.permissions };
  };

  beforeAll(async () => {
    ctx = await startTestApp({ APP_URL, BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    base = (await ctx.app.getUrl()).replace('[::1]', '127.0.0.1');
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
    b = await subscribedDoctor();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('metadata: a public CapabilityStatement that lists exactly what is supported, as application/fhir+json', async () => {
    const statement = expectValidFhir<CapabilityStatement>(await fhir().capabilityStatement());
    expect(statement).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', format: ['json'], kind: 'instance' });
    const resources = statement.rest![0].resource!;
    expect(Object.fromEntries(resources.map((r) => [r.type, (r.searchParam ?? []).map((p) => p.name)]))).toEqual({
      Patient: ['name', 'family', 'given', 'birthdate', 'identifier'],
      Appointment: ['patient', 'date', 'status'],
      DocumentReference: ['patient', 'type'],
      Practitioner: [],
    });
    expect(resources.find((r) => r.type === 'Patient')!.operation).toEqual([
      { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
    ]);
    const res = await ctx.http.get('/fhir/R4/metadata').expect(200);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(statement.implementation!.url).toBe(`${APP_URL}/fhir/R4`);
    // OpenAPI: every FHIR route, tagged FHIR, its errors documented as OperationOutcome in application/fhir+json
    const doc = (await ctx.http.get('/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<string, { tags: string[]; responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> }>
      >;
    };
    const fhirPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/fhir/'));
    expect(fhirPaths.sort()).toEqual(
      [
        '/fhir/R4/metadata',
        '/fhir/R4/Patient',
        '/fhir/R4/Patient/{id}',
        '/fhir/R4/Patient/{id}/$everything',
        '/fhir/R4/Appointment',
        '/fhir/R4/Appointment/{id}',
        '/fhir/R4/DocumentReference',
        '/fhir/R4/DocumentReference/{id}',
        '/fhir/R4/Practitioner/{id}',
      ].sort(),
    );
    for (const path of fhirPaths) {
      const op = doc.paths[path].get;
      expect(op.tags).toEqual(['FHIR']);
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400))
        expect({ path, status, schema: response.content['application/fhir+json'].schema.$ref }).toEqual({
          path,
          status,
          schema: '#/components/schemas/OperationOutcomeDto',
        });
    }
  });

  it('a doctor reads their own patient (ETag, meta); another doctor gets 404 exactly like an unknown id; the JSON API is unchanged', async () => {
    const a = await subscribedDoctor();
    const id = await newPatient(a, { firstName: 'Max', lastName: 'Mustermann', dateOfBirth: '1980-04-12', phone: '+49 30 1234567' });
    const client = fhir(a.token);
    const patient = expectValidFhir<Patient>(await client.read({ resourceType: 'Patient', id }));
    expect(patient).toMatchObject({
      resourceType: 'Patient',
      id,
      identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${id}` }],
      active: true,
      name: [{ use: 'official', family: 'Mustermann', given: ['Max'] }],
      telecom: [{ system: 'phone', value: '+49 30 1234567' }],
      birthDate: '1980-04-12',
      generalPractitioner: [{ reference: `Practitioner/${a.uid}` }],
    });
    const response = Client.httpFor(patient as never).response as Response;
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(response.headers.get('etag')).toBe(`W/"${patient.meta!.versionId}"`);
    expect(new Date(response.headers.get('last-modified')!).getTime()).toBe(
      Math.floor(Date.parse(patient.meta!.lastUpdated!) / 1000) * 1000,
    );
    // a change makes a new version
    await ctx.http.patch(`/api/patients/${id}`).set(auth(a.token)).send({ firstName: 'Maximilian' }).expect(200);
    const changed = expectValidFhir<Patient>(await client.read({ resourceType: 'Patient', id }));
    expect(changed.meta!.versionId).not.toBe(patient.meta!.versionId);
    expect(changed.name![0].given).toEqual(['Maximilian']);

    const foreign = await failure(fhir(b.token).read({ resourceType: 'Patient', id }));
    const unknown = await failure(fhir(b.token).read({ resourceType: 'Patient', id: '00000000-0000-4000-8000-000000000000' }));
    expectOutcome(foreign, 404, 'not-found', 'NOT_FOUND');
    expect(foreign.body).toEqual(unknown.body);
    expect((await failure(fhir(b.token).operation({ name: '$everything', resourceType: 'Patient', id, method: 'GET' }))).status).toBe(404);
    // the JSON API still says 403 NOT_OWNER
    expect((await ctx.http.get(`/api/patients/${id}`).set(auth(b.token)).expect(403)).body.code).toBe('NOT_OWNER');
    // a malformed id is a 400 OperationOutcome
    expectOutcome(await failure(client.read({ resourceType: 'Patient', id: 'not-a-uuid' })), 400, 'invalid', 'VALIDATION_ERROR');
  });

  it('Patient search: name, family, given, birthdate, identifier; only the caller’s; paging through Bundle.link with _count', async () => {
    const a = await subscribedDoctor();
    const family = `Pagingham${Date.now().toString(36).replace(/[0-9]/g, 'x')}`;
    const created: string[] = [];
    for (let i = 0; i < 23; i++) {
      created.push(
        await newPatient(a, { firstName: `Given${String.fromCharCode(97 + i)}`, lastName: family, dateOfBirth: `19${50 + i}-06-15` }),
      );
    }
    await newPatient(b, { firstName: 'Outsider', lastName: family, dateOfBirth: '1960-01-01' });
    const client = fhir(a.token);

    // paging: 10, 10, 3, forward with next and back with previous
    const first = expectValidFhir<Bundle>(await client.search({ resourceType: 'Patient', searchParams: { family, _count: 10 } }));
    expect(first).toMatchObject({ type: 'searchset', total: 23 });
    expect(first.entry).toHaveLength(10);
    expect(first.link!.map((l) => l.relation)).toEqual(['self', 'next']);
    expect(first.entry![0].fullUrl).toBe(`${APP_URL}/fhir/R4/Patient/${first.entry![0].resource!.id}`);
    const second = expectValidFhir<Bundle>(await client.nextPage({ bundle: viaProxy(first) }));
    expect(second.link!.map((l) => l.relation)).toEqual(['self', 'next', 'previous']);
    const third = expectValidFhir<Bundle>(await client.nextPage({ bundle: viaProxy(second) }));
    expect(third.entry).toHaveLength(3);
    expect(third.link!.map((l) => l.relation)).toEqual(['self', 'previous']);
    const back = expectValidFhir<Bundle>(await client.prevPage({ bundle: viaProxy(third) }));
    expect(ids(back)).toEqual(ids(second));
    const all = [...ids(first), ...ids(second), ...ids(third)];
    expect(new Set(all).size).toBe(23);
    expect([...all].sort()).toEqual([...created].sort());
    // by family name, then given name
    expect((first.entry![0].resource as Patient).name![0].given).toEqual(['Givena']);

    const search = async (searchParams: Record<string, string | string[]>) =>
      ids(expectValidFhir<Bundle>(await client.search({ resourceType: 'Patient', searchParams: { ...searchParams, _count: 100 } })));
    // string parameters: starts with, ignoring case; a comma is "any of"; repeats all hold
    expect(await search({ name: family.toLowerCase().slice(0, 10), given: 'givenc' })).toEqual([created[2]]);
    expect((await search({ family, given: 'Givena,Givenb' })).sort()).toEqual([created[0], created[1]].sort());
    expect(await search({ name: ['Givend', family] })).toEqual([created[3]]);
    expect(await search({ family: 'Nobody-Called-This' })).toEqual([]);
    // birthdate: a day, a year, and a range with prefixes
    expect(await search({ family, birthdate: '1955-06-15' })).toEqual([created[5]]);
    expect(await search({ family, birthdate: '1960' })).toEqual([created[10]]);
    expect((await search({ family, birthdate: ['ge1970-01-01', 'lt1972-06-15'] })).sort()).toEqual([created[20], created[21]].sort());
    // identifier: our urn:uuid identifier
    expect(await search({ identifier: `urn:ietf:rfc:3986|urn:uuid:${created[7]}` })).toEqual([created[7]]);
    expect(await search({ identifier: `urn:uuid:${created[7]}` })).toEqual([created[7]]);
    expect(await search({ identifier: `http://other.example|urn:uuid:${created[7]}` })).toEqual([]);

    // malformed or unsupported parameters are 400 OperationOutcomes naming the parameter
    for (const searchParams of [
      { birthdate: 'yesterday' },
      { birthdate: 'ne1960' },
      { _count: 0 },
      { gender: 'female' },
      { _offset: -1 },
    ] as Array<Record<string, string | number>>) {
      const refused = await failure(client.search({ resourceType: 'Patient', searchParams }));
      expectOutcome(refused, 400, 'invalid', 'VALIDATION_ERROR');
      expect(refused.body.issue[0].diagnostics).toMatch(new RegExp(`^${Object.keys(searchParams)[0]}: `));
    }
    // _count above 100 is served as 100
    const big = expectValidFhir<Bundle>(await client.search({ resourceType: 'Patient', searchParams: { family, _count: 500 } }));
    expect(big.link![0].url).toContain('_count=100');
    // _format=json is accepted
    expect((await ctx.http.get(`/fhir/R4/Patient?family=${family}&_format=json`).set(auth(a.token)).expect(200)).body.total).toBe(23);
  });

  it('Appointment: statuses mapped to FHIR (booked, fulfilled, cancelled), search by patient, date ge/le and status', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a, { firstName: 'Erika', lastName: 'Musterfrau', dateOfBirth: '1975-01-30' });
    const other = await newPatient(a, { firstName: 'Otto', lastName: 'Normal', dateOfBirth: '1970-01-01' });
    const planned = await newAppointment(a, patientId, 1);
    const finished = await newAppointment(a, patientId, 5);
    const canceled = await newAppointment(a, patientId, 10);
    const elsewhere = await newAppointment(a, other, 5);
    await newAppointment(b, await newPatient(b, { firstName: 'Bea', lastName: 'Other', dateOfBirth: '1990-01-01' }), 5);
    await ctx.http.patch(`/api/appointments/${finished}`).set(auth(a.token)).send({ status: 'finished' }).expect(200);
    await ctx.http.patch(`/api/appointments/${canceled}`).set(auth(a.token)).send({ status: 'canceled' }).expect(200);
    const client = fhir(a.token);

    const read = expectValidFhir<Appointment>(await client.read({ resourceType: 'Appointment', id: finished }));
    expect(read).toMatchObject({
      resourceType: 'Appointment',
      id: finished,
      status: 'fulfilled',
      description: 'Blood pressure check',
      start: at(5),
      end: at(5, 10),
      participant: [
        { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${a.uid}` }, status: 'accepted' },
      ],
    });
    const search = async (searchParams: Record<string, string | string[]>) => {
      const bundle = expectValidFhir<Bundle>(await client.search({ resourceType: 'Appointment', searchParams }));
      return (bundle.entry ?? []).map((e) => [e.resource!.id, (e.resource as Appointment).status]);
    };
    expect(await search({ patient: `Patient/${patientId}` })).toEqual([
      [planned, 'booked'],
      [finished, 'fulfilled'],
      [canceled, 'cancelled'],
    ]);
    expect(await search({ patient: patientId, status: 'booked' })).toEqual([[planned, 'booked']]);
    expect(await search({ patient: patientId, status: 'fulfilled,cancelled' })).toEqual([
      [finished, 'fulfilled'],
      [canceled, 'cancelled'],
    ]);
    expect(await search({ patient: patientId, status: 'http://hl7.org/fhir/appointmentstatus|cancelled' })).toEqual([
      [canceled, 'cancelled'],
    ]);
    expect(await search({ patient: patientId, status: 'noshow' })).toEqual([]);
    // date: a whole day (UTC), and a range with ge/le
    const wholeDay = await search({ date: at(5).slice(0, 10) });
    expect(wholeDay.map(([id]) => id).sort()).toEqual([finished, elsewhere].sort());
    const day5 = await search({ date: [`ge${at(5).slice(0, 10)}`, `le${at(5).slice(0, 10)}`] });
    expect(day5.map(([id]) => id).sort()).toEqual([finished, elsewhere].sort());
    expect(await search({ patient: patientId, date: `ge${at(4).slice(0, 10)}` })).toEqual([
      [finished, 'fulfilled'],
      [canceled, 'cancelled'],
    ]);
    expect(await search({ patient: patientId, date: `le${at(5).slice(0, 10)}` })).toEqual([
      [planned, 'booked'],
      [finished, 'fulfilled'],
    ]);
    expect(await search({ patient: patientId, date: [`gt${at(1)}`, `lt${at(10)}`] })).toEqual([[finished, 'fulfilled']]);
    // b's appointment on day 5 is not in a's answers, and a's are not in b's
    const bDay5 = ids(
      expectValidFhir<Bundle>(await fhir(b.token).search({ resourceType: 'Appointment', searchParams: { date: at(5).slice(0, 10) } })),
    );
    expect(bDay5).not.toContain(finished);
    expect(bDay5).not.toContain(elsewhere);
    expectOutcome(await failure(fhir(b.token).read({ resourceType: 'Appointment', id: planned })), 404, 'not-found', 'NOT_FOUND');
    expectOutcome(
      await failure(client.search({ resourceType: 'Appointment', searchParams: { status: 'planned' } })),
      400,
      'invalid',
      'VALIDATION_ERROR',
    );
    expectOutcome(
      await failure(client.search({ resourceType: 'Appointment', searchParams: { patient: 'Practitioner/x' } })),
      400,
      'invalid',
      'VALIDATION_ERROR',
    );
  });

  it('DocumentReference: records as text/plain attachments with LOINC types; search by patient and type; $everything', async () => {
    const a = await subscribedDoctor();
    const patientId = await newPatient(a, { firstName: 'Zoë', lastName: 'Ångström', dateOfBirth: '1988-08-08' });
    const note = await newRecord(a, patientId, 'note', 'S: headache for 3 days. O: BP 150/95 — ü');
    const lab = await newRecord(a, patientId, 'lab_result', 'HbA1c 6.1 %');
    const appointmentId = await newAppointment(a, patientId, 3);
    const client = fhir(a.token);

    const doc = expectValidFhir<DocumentReference>(await client.read({ resourceType: 'DocumentReference', id: note }));
    expect(doc).toMatchObject({
      resourceType: 'DocumentReference',
      status: 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }], text: 'note' },
      subject: { reference: `Patient/${patientId}` },
      author: [{ reference: `Practitioner/${a.uid}` }],
      meta: { versionId: '1' },
    });
    const attachment = doc.content[0].attachment;
    expect(attachment.contentType).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(attachment.data!, 'base64').toString('utf8')).toBe('S: headache for 3 days. O: BP 150/95 — ü');

    const byType = async (type: string) =>
      ids(expectValidFhir<Bundle>(await client.search({ resourceType: 'DocumentReference', searchParams: { patient: patientId, type } })));
    expect(await byType('http://loinc.org|11502-2')).toEqual([lab]);
    expect(await byType('11506-3,11502-2')).toEqual([lab, note]);
    expect(await byType('http://snomed.info/sct|11506-3')).toEqual([]);
    expect(
      ids(expectValidFhir<Bundle>(await client.search({ resourceType: 'DocumentReference', searchParams: { patient: patientId } }))),
    ).toEqual([lab, note]);
    expectOutcome(await failure(fhir(b.token).read({ resourceType: 'DocumentReference', id: note })), 404, 'not-found', 'NOT_FOUND');
    expect(
      ids(expectValidFhir<Bundle>(await fhir(b.token).search({ resourceType: 'DocumentReference', searchParams: { patient: patientId } }))),
    ).toEqual([]);

    // $everything: the patient, their doctor, their appointments and records
    const everything = expectValidFhir<Bundle>(
      await client.operation({ name: '$everything', resourceType: 'Patient', id: patientId, method: 'GET' }),
    );
    expect(everything).toMatchObject({ type: 'searchset', total: 5 });
    expect(typesIn(everything)).toEqual(['Patient', 'Practitioner', 'Appointment', 'DocumentReference', 'DocumentReference']);
    expect(ids(everything)).toEqual([patientId, a.uid, appointmentId, lab, note]);
  });

  it('Practitioner: the doctor, with the specialty as a qualification; seen by themself, their patients and admin only', async () => {
    const a = await subscribedDoctor();
    const practitioner = expectValidFhir<Practitioner>(await fhir(a.token).read({ resourceType: 'Practitioner', id: a.uid }));
    expect(practitioner).toMatchObject({
      resourceType: 'Practitioner',
      id: a.uid,
      active: true,
      name: [{ family: 'Doe', given: ['Jane'], prefix: ['Dr.'] }],
      qualification: [{ code: { text: 'Cardiology' } }],
    });
    expect(JSON.stringify(practitioner)).not.toContain(a.email);
    expectValidFhir(await fhir(admin).read({ resourceType: 'Practitioner', id: a.uid }));
    expectOutcome(await failure(fhir(b.token).read({ resourceType: 'Practitioner', id: a.uid })), 404, 'not-found', 'NOT_FOUND');
    // a patient account is not a practitioner
    const patientId = await newPatient(a, { firstName: 'Paula', lastName: 'Portal', dateOfBirth: '1990-02-02' });
    const portal = await portalAccount(a, patientId);
    expectValidFhir(await fhir(portal.token).read({ resourceType: 'Practitioner', id: a.uid }));
    expectOutcome(await failure(fhir(portal.token).read({ resourceType: 'Practitioner', id: b.uid })), 404, 'not-found', 'NOT_FOUND');
  });

  it('a patient-portal account reads only its own data, without any plan', async () => {
    const a = await subscribedDoctor();
    const mine = await newPatient(a, { firstName: 'Paul', lastName: 'Portal', dateOfBirth: '1985-05-05' });
    const sibling = await newPatient(a, { firstName: 'Sibyl', lastName: 'Portal', dateOfBirth: '1986-06-06' });
    const myAppointment = await newAppointment(a, mine, 2);
    const theirAppointment = await newAppointment(a, sibling, 2);
    const myRecord = await newRecord(a, mine, 'prescription', 'Ramipril 5 mg once daily');
    const theirRecord = await newRecord(a, sibling, 'note', 'Private');
    const portal = await portalAccount(a, mine);
    expect(portal.permissions).toEqual({
      canManageUsers: false,
      canCreateAppointments: false,
      canUseAiFeatures: false,
      canViewAnalytics: false,
      canAccessFhirResources: true,
    });
    const client = fhir(portal.token);
    expectValidFhir(await client.read({ resourceType: 'Patient', id: mine }));
    expect(ids(expectValidFhir<Bundle>(await client.search({ resourceType: 'Patient', searchParams: { family: 'Portal' } })))).toEqual([
      mine,
    ]);
    expect(ids(expectValidFhir<Bundle>(await client.search({ resourceType: 'Appointment', searchParams: {} })))).toEqual([myAppointment]);
    expect(ids(expectValidFhir<Bundle>(await client.search({ resourceType: 'DocumentReference', searchParams: {} })))).toEqual([myRecord]);
    const everything = expectValidFhir<Bundle>(
      await client.operation({ name: '$everything', resourceType: 'Patient', id: mine, method: 'GET' }),
    );
    expect(ids(everything)).toEqual([mine, a.uid, myAppointment, myRecord]);
    for (const [resourceType, id] of [
      ['Patient', sibling],
      ['Appointment', theirAppointment],
      ['DocumentReference', theirRecord],
    ])
      expectOutcome(await failure(client.read({ resourceType, id })), 404, 'not-found', 'NOT_FOUND');
    expect((await failure(client.operation({ name: '$everything', resourceType: 'Patient', id: sibling, method: 'GET' }))).status).toBe(
      404,
    );
  });

  it('a doctor needs a plan with fhir: none or Basic is 403 (OperationOutcome); Professional (the trial) and Enterprise pass', async () => {
    const doctor = await verifiedDoctor(ctx);
    const refused = await failure(fhir(doctor.token).search({ resourceType: 'Patient', searchParams: {} }));
    expectOutcome(refused, 403, 'forbidden', 'SUBSCRIPTION_REQUIRED');
    const periodEnd = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const setPlan = async (plan: string) => {
      await ctx.http
        .put(`/api/admin/users/${doctor.uid}/subscription`)
        .set(auth(admin))
        .send({ plan, status: 'active', currentPeriodEnd: periodEnd })
        .expect(200);
      return (await ctx.http.post('/api/login').send({ email: doctor.email, password: 'Str0ng-Passw0rd' }).expect(200)).body;
    };
    const basic = await setPlan('basic');
    expect(basic.permissions).toMatchObject({ canCreateAppointments: true, canAccessFhirResources: false });
    expectOutcome(
      await failure(fhir(basic.token).search({ resourceType: 'Appointment', searchParams: {} })),
      403,
      'forbidden',
      'SUBSCRIPTION_REQUIRED',
    );
    const enterprise = await setPlan('enterprise');
    expect(enterprise.permissions.canAccessFhirResources).toBe(true);
    expect(expectValidFhir<Bundle>(await fhir(enterprise.token).search({ resourceType: 'Patient', searchParams: {} })).total).toBe(0);
  });

  it('XML is refused with 415 (Accept or _format); JSON by _format or a mixed Accept is served', async () => {
    const a = await subscribedDoctor();
    for (const [path, headers] of [
      ['/fhir/R4/metadata', { Accept: 'application/fhir+xml' }],
      ['/fhir/R4/metadata?_format=xml', {}],
      ['/fhir/R4/metadata?_format=application/fhir%2Bxml', {}],
      ['/fhir/R4/Patient', { Accept: 'application/xml', ...auth(a.token) }],
      ['/fhir/R4/Patient?_format=xml', auth(a.token)],
    ] as const) {
      const res = await ctx.http.get(path).set(headers).expect(415);
      expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
      expectOutcome({ status: 415, body: expectValidFhir<OperationOutcome>(res.body) }, 415, 'not-supported', 'UNSUPPORTED_MEDIA_TYPE');
    }
    const viaClient = await failure(fhir().capabilityStatement({ headers: { accept: 'application/fhir+xml' } }));
    expect(viaClient.status).toBe(415);
    expectValidFhir((await ctx.http.get('/fhir/R4/metadata?_format=json').expect(200)).body);
    expectValidFhir(
      (await ctx.http.get('/fhir/R4/metadata').set('Accept', 'application/fhir+xml;q=0.9, application/fhir+json').expect(200)).body,
    );
    expectValidFhir(
      (
        await ctx.http
          .get('/fhir/R4/Patient')
          .set({ Accept: 'application/json', ...auth(a.token) })
          .expect(200)
      ).body,
    );
  });

  it('every error under /fhir is an OperationOutcome: 401, unknown paths and methods, and admin reads everything', async () => {
    expectOutcome(await failure(fhir().search({ resourceType: 'Patient', searchParams: {} })), 401, 'login', 'AUTH_HEADER_MISSING');
    expectOutcome(await failure(fhir('not.a.token').read({ resourceType: 'Patient', id: b.uid })), 401, 'login', 'TOKEN_INVALID');
    const unknownType = await ctx.http.get('/fhir/R4/Observation').set(auth(admin)).expect(404);
    expect(expectValidFhir<OperationOutcome>(unknownType.body).issue[0].code).toBe('not-supported');
    const unknownMethod = await ctx.http.post('/fhir/R4/Patient').set(auth(admin)).send({}).expect(404);
    expectValidFhir<OperationOutcome>(unknownMethod.body);
    expect(unknownMethod.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    // the JSON API keeps its envelope
    expect((await ctx.http.get('/api/nothing-here').expect(404)).body).toMatchObject({ success: false, code: 'NOT_FOUND' });

    // admin: every doctor's data
    const a = await subscribedDoctor();
    const family = `Adminseen${Date.now().toString(36).replace(/[0-9]/g, 'y')}`;
    const ofA = await newPatient(a, { firstName: 'Anna', lastName: family, dateOfBirth: '1970-01-01' });
    const ofB = await newPatient(b, { firstName: 'Bert', lastName: family, dateOfBirth: '1971-01-01' });
    const client = fhir(admin);
    expect(ids(expectValidFhir<Bundle>(await client.search({ resourceType: 'Patient', searchParams: { family } }))).sort()).toEqual(
      [ofA, ofB].sort(),
    );
    expectValidFhir(await client.read({ resourceType: 'Patient', id: ofB }));
    expectValidFhir(await client.operation({ name: '$everything', resourceType: 'Patient', id: ofA, method: 'GET' }));
    expect(ids(expectValidFhir<Bundle>(await fhir(a.token).search({ resourceType: 'Patient', searchParams: { family } })))).toEqual([ofA]);
  });
});
