import { expectEnvelope, PASSWORD, registration, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const fieldsOf = (body: { details: Array<{ field: string }> }) => [...new Set(body.details.map((d) => d.field))].sort();
const PROFILE = ['title', 'firstName', 'lastName', 'specialty', 'ehr_system_type', 'ehr_system_name'];

describe('input rules (contract v2): registration fields, names, dates', () => {
  let ctx: TestContext;
  let doctor: { uid: string; token: string; email: string };
  let patientId: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    doctor = await verifiedDoctor(ctx);
    await ctx.http.post('/api/subscriptions/trial').set(auth(doctor.token)).expect(201);
    patientId = (
      await ctx.http
        .post('/api/patients')
        .set(auth(doctor.token))
        .send({ firstName: 'Max', lastName: 'Mustermann', dateOfBirth: '1980-04-12' })
        .expect(201)
    ).body.data.id;
  });
  afterAll(async () => {
    await ctx.close();
  });

  describe('registration requires all eight fields', () => {
    it('lists every missing field in details, not only the first', async () => {
      const res = await ctx.http.post('/api/register').send({ email: uniqueEmail(), password: PASSWORD }).expect(400);
      expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
      expect(fieldsOf(res.body)).toEqual([...PROFILE].sort());
    });

    it('refuses blank (only spaces) and null values, naming each field', async () => {
      const blanks = Object.fromEntries(PROFILE.map((f) => [f, '   ']));
      expect(fieldsOf((await ctx.http.post('/api/register').send(registration(uniqueEmail(), blanks)).expect(400)).body)).toEqual(
        [...PROFILE].sort(),
      );
      const nulls = Object.fromEntries(PROFILE.map((f) => [f, null]));
      expect(fieldsOf((await ctx.http.post('/api/register').send(registration(uniqueEmail(), nulls)).expect(400)).body)).toEqual(
        [...PROFILE].sort(),
      );
    });

    it('caps the lengths: title 50, the others 100', async () => {
      const res = await ctx.http
        .post('/api/register')
        .send(registration(uniqueEmail(), { title: 'D'.repeat(51), specialty: 'C'.repeat(101), ehr_system_name: 'O'.repeat(101) }))
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['ehr_system_name', 'specialty', 'title']);
    });

    it('profile updates keep every field optional but cannot blank one', async () => {
      for (const field of PROFILE) {
        for (const value of ['', '   ', null]) {
          const res = await ctx.http
            .patch('/api/users/me')
            .set(auth(doctor.token))
            .send({ [field]: value })
            .expect(400);
          expect(fieldsOf(res.body)).toEqual([field]);
        }
      }
      const ok = await ctx.http.patch('/api/users/me').set(auth(doctor.token)).send({ specialty: ' Neurology ' }).expect(200);
      expect(ok.body.user).toMatchObject({ specialty: 'Neurology', title: 'Dr.', ehr_system_name: 'OpenEMR' });
    });
  });

  describe('person names: letters, marks, spaces, apostrophes, hyphens, dots', () => {
    const good = ['José', 'Zoë', "O'Brien", 'D’Angelo', 'Jean-Luc', 'St. John', 'Nguyễn Thị', 'محمد', '李', 'Åsa-Märta'];
    const bad = [
      'http://evil.example',
      'see evil.example/x://',
      'Jane\u0007',
      'Jane\nDoe',
      '<b>Jane</b>',
      'Jane2',
      'Call +1 555',
      '...',
      "'-",
    ];

    it('accepts names in any script on registration, profile and patients', async () => {
      for (const name of good) {
        await ctx.http
          .post('/api/register')
          .send(registration(uniqueEmail(), { firstName: name, lastName: name }))
          .expect(201);
        await ctx.http.patch('/api/users/me').set(auth(doctor.token)).send({ lastName: name }).expect(200);
        await ctx.http
          .post('/api/patients')
          .set(auth(doctor.token))
          .send({ firstName: name, lastName: name, dateOfBirth: '1990-01-01' })
          .expect(201);
      }
    });

    it('refuses links, control characters, markup and digits, naming the field, on every route that takes a name', async () => {
      for (const name of bad) {
        const reg = await ctx.http
          .post('/api/register')
          .send(registration(uniqueEmail(), { firstName: name }))
          .expect(400);
        expect(fieldsOf(reg.body)).toEqual(['firstName']);
        const me = await ctx.http.patch('/api/users/me').set(auth(doctor.token)).send({ lastName: name }).expect(400);
        expect(fieldsOf(me.body)).toEqual(['lastName']);
        const created = await ctx.http
          .post('/api/patients')
          .set(auth(doctor.token))
          .send({ firstName: name, lastName: 'Doe', dateOfBirth: '1990-01-01' })
          .expect(400);
        expect(fieldsOf(created.body)).toEqual(['firstName']);
        const updated = await ctx.http.patch(`/api/patients/${patientId}`).set(auth(doctor.token)).send({ lastName: name }).expect(400);
        expect(fieldsOf(updated.body)).toEqual(['lastName']);
      }
    });

    it('other profile text may not carry a link or a control character', async () => {
      for (const value of ['see https://evil.example', 'Cardio\u0000logy', 'a\u2028b']) {
        const res = await ctx.http.patch('/api/users/me').set(auth(doctor.token)).send({ specialty: value }).expect(400);
        expect(fieldsOf(res.body)).toEqual(['specialty']);
      }
    });

    it('emails show the name only quoted, after a fixed greeting', async () => {
      const email = uniqueEmail();
      await ctx.http
        .post('/api/register')
        .send(registration(email, { firstName: 'Jane' }))
        .expect(201);
      const mail = await ctx.mailbox.waitFor(email);
      expect(mail.text.startsWith('Hello,\n')).toBe(true);
      expect(mail.text).toContain('“Jane”');
      expect(mail.text.replace('“Jane”', '')).not.toContain('Jane');
      expect(mail.subject).not.toContain('Jane');
    });
  });

  describe('dates', () => {
    const book = (startsAt: string, endsAt: string) =>
      ctx.http.post('/api/appointments').set(auth(doctor.token)).send({ patientId, startsAt, endsAt, reason: 'Check-up' });

    it('refuses appointment times outside 1900-01-01..2100-12-31, and unreal offsets, naming the field', async () => {
      for (const [startsAt, endsAt] of [
        ['9999-12-31T23:00:00-23:59', '9999-12-31T23:30:00-23:59'],
        ['1899-12-31T09:00:00Z', '1899-12-31T09:30:00Z'],
        ['2101-01-01T09:00:00Z', '2101-01-01T09:30:00Z'],
        ['2030-01-01T09:00:00+15:00', '2030-01-01T09:30:00+15:00'],
      ]) {
        const res = await book(startsAt, endsAt).expect(400);
        expectEnvelope(res.body, 400, 'VALIDATION_ERROR');
        expect(fieldsOf(res.body)).toEqual(['endsAt', 'startsAt']);
      }
      await book('2100-12-31T09:00:00Z', '2100-12-31T09:30:00Z').expect(201);
      await book('1900-01-01T09:00:00Z', '1900-01-01T09:30:00Z').expect(201);
    });

    it('an appointment lasts less than 24 hours', async () => {
      const res = await book('2030-01-01T09:00:00Z', '2030-01-02T09:00:00Z').expect(400);
      expect(res.body.details).toEqual([{ field: 'endsAt', message: 'endsAt must be less than 24 hours after startsAt' }]);
      await book('2030-01-01T09:00:00Z', '2030-01-02T08:59:00Z').expect(201);
      const id = (await book('2030-02-01T09:00:00Z', '2030-02-01T10:00:00Z').expect(201)).body.data.id;
      const moved = await ctx.http
        .patch(`/api/appointments/${id}`)
        .set(auth(doctor.token))
        .send({ endsAt: '2030-02-03T10:00:00Z' })
        .expect(400);
      expect(fieldsOf(moved.body)).toEqual(['endsAt']);
    });

    it('dateOfBirth is a real date from 1900-01-01 up to today', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10);
      for (const dateOfBirth of ['1899-12-31', tomorrow, '9999-12-31', '2001-02-29', '1990-1-1']) {
        const res = await ctx.http
          .post('/api/patients')
          .set(auth(doctor.token))
          .send({ firstName: 'Max', lastName: 'Muster', dateOfBirth })
          .expect(400);
        expect(fieldsOf(res.body)).toEqual(['dateOfBirth']);
      }
      for (const dateOfBirth of ['1900-01-01', today])
        await ctx.http
          .post('/api/patients')
          .set(auth(doctor.token))
          .send({ firstName: 'Max', lastName: 'Muster', dateOfBirth })
          .expect(201);
    });
  });
});

describe('invitations per account and day (INVITES_PER_DAY)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({ INVITES_PER_DAY: '2' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  const patientOf = async (token: string) =>
    (
      await ctx.http
        .post('/api/patients')
        .set(auth(token))
        .send({ firstName: 'Max', lastName: 'Muster', dateOfBirth: '1980-01-01' })
        .expect(201)
    ).body.data.id as string;

  it('a doctor sends at most INVITES_PER_DAY invitations, then 429 RATE_LIMITED with Retry-After; other doctors are not affected', async () => {
    const doctor = await verifiedDoctor(ctx);
    const patientId = await patientOf(doctor.token);
    for (let i = 0; i < 2; i++) {
      const sent = await ctx.http
        .post(`/api/patients/${patientId}/invite`)
        .set(auth(doctor.token))
        .send({ email: uniqueEmail('patient') })
        .expect(202);
      expect(sent.headers['x-ratelimit-limit']).toBe('2');
    }
    const refused = await ctx.http
      .post(`/api/patients/${await patientOf(doctor.token)}/invite`)
      .set(auth(doctor.token))
      .send({ email: uniqueEmail('patient') })
      .expect(429);
    expectEnvelope(refused.body, 429, 'RATE_LIMITED', 'Too many requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(86_000);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(86_400);
    const other = await verifiedDoctor(ctx);
    await ctx.http
      .post(`/api/patients/${await patientOf(other.token)}/invite`)
      .set(auth(other.token))
      .send({ email: uniqueEmail('patient') })
      .expect(202);
  });
});
