import fc from 'fast-check';
import { NOTE_LANGUAGES, NOTE_TEMPLATES, NoteRequest, NoteTemplate } from './ai.provider';
import { RulesProvider } from './rules.provider';
import { NO_MATCH, SYMPTOM_TABLE } from './symptom-table';

const provider = new RulesProvider();

const request = (overrides: Partial<NoteRequest> = {}): NoteRequest => ({
  template: 'soap_note',
  language: 'en',
  appointment: {
    reason: 'Blood pressure check',
    startsAt: new Date('2026-12-02T09:30:00Z'),
    endsAt: new Date('2026-12-02T10:00:00Z'),
    status: 'planned',
  },
  patientAge: 46,
  records: [
    { type: 'diagnosis', content: 'Essential hypertension,\n   BP 150/95', createdAt: new Date('2026-11-20T08:00:00Z') },
    { type: 'lab_result', content: 'x'.repeat(400), createdAt: new Date('2026-11-25T16:45:00Z') },
  ],
  ...overrides,
});

const HISTORY = `- 2026-11-20 [diagnosis] Essential hypertension, BP 150/95\n- 2026-11-25 [lab_result] ${'x'.repeat(300)}`;
const FOLLOW = 'Review the findings and agree on next steps with the patient.';

describe('RulesProvider: clinical notes', () => {
  it('is named "rules"', () => {
    expect(provider.name).toBe('rules');
  });

  it('soap_note (the default layout), in full', async () => {
    const { notes, summary } = await provider.draftNote(request());
    expect(notes).toBe(`Subjective: Age: 46. Blood pressure check\n\nObjective:\n${HISTORY}\n\nAssessment: —\n\nPlan: ${FOLLOW}`);
    expect(summary).toBe('Blood pressure check — 2 record(s) considered (2026-12-02 09:30 UTC).');
  });

  it('progress_note, in full', async () => {
    const { notes } = await provider.draftNote(request({ template: 'progress_note' }));
    expect(notes).toBe(`Reason for visit: Blood pressure check (2026-12-02 09:30 UTC)\n\nProgress:\n${HISTORY}\n\nPlan: ${FOLLOW}`);
  });

  it('consultation_note, in full', async () => {
    const { notes } = await provider.draftNote(request({ template: 'consultation_note' }));
    expect(notes).toBe(
      `Reason for visit: Blood pressure check\nAge: 46. \nHistory:\n${HISTORY}\n\nFindings: —\n\nRecommendation: ${FOLLOW}`,
    );
  });

  it('the same request gives the same note, every time', async () => {
    for (const template of NOTE_TEMPLATES) {
      const first = await provider.draftNote(request({ template, language: 'de' }));
      const second = await provider.draftNote(request({ template, language: 'de' }));
      expect(second).toEqual(first);
    }
  });

  /** The headings each template shows, per language (written out here, not read from the provider). */
  const HEADINGS: Record<string, Record<NoteTemplate, string[]> & { none: string }> = {
    en: {
      soap_note: ['Subjective:', 'Objective:', 'Assessment:', 'Plan:'],
      progress_note: ['Reason for visit:', 'Progress:', 'Plan:'],
      consultation_note: ['Reason for visit:', 'History:', 'Findings:', 'Recommendation:'],
      none: 'No earlier records.',
    },
    de: {
      soap_note: ['Subjektiv:', 'Objektiv:', 'Beurteilung:', 'Plan:'],
      progress_note: ['Anlass:', 'Verlauf:', 'Plan:'],
      consultation_note: ['Anlass:', 'Vorgeschichte:', 'Befunde:', 'Empfehlung:'],
      none: 'Keine früheren Einträge.',
    },
    fr: {
      soap_note: ['Subjectif:', 'Objectif:', 'Évaluation:', 'Plan:'],
      progress_note: ['Motif:', 'Évolution:', 'Plan:'],
      consultation_note: ['Motif:', 'Antécédents:', 'Constatations:', 'Recommandation:'],
      none: 'Aucun dossier antérieur.',
    },
    es: {
      soap_note: ['Subjetivo:', 'Objetivo:', 'Evaluación:', 'Plan:'],
      progress_note: ['Motivo:', 'Evolución:', 'Plan:'],
      consultation_note: ['Motivo:', 'Antecedentes:', 'Hallazgos:', 'Recomendación:'],
      none: 'Sin registros previos.',
    },
  };

  it('the table names every language the API offers', () => {
    expect(Object.keys(HEADINGS).sort()).toEqual([...NOTE_LANGUAGES].sort());
  });

  const combinations = NOTE_LANGUAGES.flatMap((language) => NOTE_TEMPLATES.map((template) => [template, language] as const));

  it.each(combinations)('%s in %s: its headings in order, the reason and the records', async (template, language) => {
    const { notes, summary } = await provider.draftNote(request({ template, language }));
    const positions = HEADINGS[language][template].map((heading) => notes.indexOf(heading));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(notes).toContain('Blood pressure check');
    expect(notes).toContain('- 2026-11-20 [diagnosis] Essential hypertension, BP 150/95');
    expect(summary).toContain('Blood pressure check');
  });

  it.each(combinations)('%s in %s without records says so in that language', async (template, language) => {
    const { notes, summary } = await provider.draftNote(request({ template, language, records: [] }));
    expect(notes).toContain(HEADINGS[language].none);
    expect(summary).toContain('0 record(s)');
  });

  it('a single record is listed like several', async () => {
    const [first] = request().records;
    for (const template of NOTE_TEMPLATES) {
      const { notes, summary } = await provider.draftNote(request({ template, records: [first] }));
      expect(notes).toContain('\n- 2026-11-20 [diagnosis] Essential hypertension, BP 150/95\n');
      expect(notes).not.toContain('No earlier records.');
      expect(summary).toContain('— 1 record(s) considered');
    }
  });

  it('an unknown language falls back to English', async () => {
    expect(await provider.draftNote(request({ language: 'tlh' }))).toEqual(await provider.draftNote(request({ language: 'en' })));
  });

  it('the SOAP and consultation notes show the age only when it is known; the progress note never does', async () => {
    for (const template of ['soap_note', 'consultation_note'] as const) {
      expect((await provider.draftNote(request({ template, patientAge: 0 }))).notes).toMatch(/Age: 0\./);
      expect((await provider.draftNote(request({ template, patientAge: null }))).notes).not.toContain('Age');
    }
    expect((await provider.draftNote(request({ template: 'progress_note', patientAge: 46 }))).notes).not.toContain('Age');
    expect((await provider.draftNote(request({ patientAge: null }))).notes).toMatch(/^Subjective: Blood pressure check\n/);
  });

  it('keeps at most 300 characters of a record, on one line', async () => {
    const { notes } = await provider.draftNote(request());
    expect(notes).toContain(`[lab_result] ${'x'.repeat(300)}\n`);
    expect(notes).not.toContain('x'.repeat(301));
  });

  it('writes nothing about the patient beyond what the request gives, even when the caller passes whole rows', async () => {
    const ids = {
      id: '0b7a7c3e-1111-4111-8111-111111111111',
      patientId: '0b7a7c3e-2222-4222-8222-222222222222',
      doctorId: '0b7a7c3e-3333-4333-8333-333333333333',
      authorId: '0b7a7c3e-4444-4444-8444-444444444444',
    };
    const base = request();
    const leaky = {
      ...base,
      // what an entity would also carry: names, contact details, ids
      patient: {
        firstName: 'Erika',
        lastName: 'Musterfrau',
        email: 'erika@example.org',
        phone: '+49 30 1234567',
        dateOfBirth: '1980-04-12',
      },
      appointment: { ...base.appointment, ...ids },
      records: base.records.map((r) => ({ ...r, ...ids })),
    } as NoteRequest;
    for (const template of NOTE_TEMPLATES) {
      const draft = await provider.draftNote({ ...leaky, template });
      expect(draft).toEqual(await provider.draftNote({ ...base, template }));
      const text = JSON.stringify(draft);
      for (const secret of ['Erika', 'Musterfrau', 'erika@example.org', '1234567', '1980-04-12', ...Object.values(ids)])
        expect(text).not.toContain(secret);
    }
  });
});

describe('RulesProvider: diagnosis suggestions from the symptom table', () => {
  it.each([
    [
      ['Fever', 'cough', 'loss of smell', 'loss of taste'],
      'COVID-19',
      'U07.1',
      'Matched 4 of 6 typical symptoms of COVID-19: fever, cough, loss of smell, loss of taste.',
    ],
    [
      ['heartburn', 'acid regurgitation'],
      'Gastroesophageal reflux disease',
      'K21.9',
      'Matched 2 of 5 typical symptoms of Gastroesophageal reflux disease: heartburn, acid regurgitation.',
    ],
    [
      ['painful urination', 'frequent urination', 'urgency', 'cloudy urine'],
      'Urinary tract infection',
      'N39.0',
      'Matched 4 of 5 typical symptoms of Urinary tract infection: painful urination, frequent urination, urgency, cloudy urine.',
    ],
    [
      ['flank pain', 'blood in urine'],
      'Kidney stones',
      'N20.0',
      'Matched 2 of 5 typical symptoms of Kidney stones: flank pain, blood in urine.',
    ],
    [['wheezing', 'chest tightness'], 'Asthma', 'J45.909', 'Matched 2 of 4 typical symptoms of Asthma: wheezing, chest tightness.'],
    [
      ['knee pain', 'joint stiffness'],
      'Osteoarthritis of the knee',
      'M17.9',
      'Matched 2 of 4 typical symptoms of Osteoarthritis of the knee: knee pain, joint stiffness.',
    ],
    // a part of a longer typical symptom counts too: "headache" is also in "throbbing headache"
    [['headache'], 'Migraine', 'G43.909', 'Matched 2 of 6 typical symptoms of Migraine: headache, throbbing headache.'],
    // a tie (1 of 5 for gastroenteritis and kidney stones) goes to the row listed first
    [['nausea'], 'Acute gastroenteritis', 'A09', 'Matched 1 of 5 typical symptoms of Acute gastroenteritis: nausea.'],
  ])('%j → %s (%s)', async (symptoms, condition, icd, reason) => {
    expect(await provider.suggestDiagnosis(symptoms)).toEqual({ main_diagnosis: condition, icd_code: icd, reason });
  });

  it('ignores letter case, spacing and repeats', async () => {
    expect(await provider.suggestDiagnosis(['  Loss   of SMELL ', 'FEVER', 'fever'])).toEqual(
      await provider.suggestDiagnosis(['fever', 'loss of smell']),
    );
  });

  it('unknown symptoms → the documented fallback R69, naming what was given', async () => {
    expect(await provider.suggestDiagnosis(['purple elbows', ' Green  KNEES'])).toEqual({
      main_diagnosis: 'No match in the symptom table',
      icd_code: 'R69',
      reason: 'None of the given symptoms (purple elbows, green knees) matches the symptom table.',
    });
    expect(NO_MATCH).toEqual({ condition: 'No match in the symptom table', icd10: 'R69' });
  });

  it('no symptoms at all (or only blanks) → R69', async () => {
    expect((await provider.suggestDiagnosis([])).icd_code).toBe('R69');
    expect((await provider.suggestDiagnosis(['   ', ''])).icd_code).toBe('R69');
  });

  it('any input: the same answer twice, and a code with its own condition from the table, or R69', async () => {
    const byCode = new Map(SYMPTOM_TABLE.map((row) => [row.icd10, row.condition]));
    byCode.set(NO_MATCH.icd10, NO_MATCH.condition);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.constantFrom(...SYMPTOM_TABLE.flatMap((r) => r.symptoms))), { maxLength: 6 }),
        async (symptoms) => {
          const first = await provider.suggestDiagnosis(symptoms);
          expect(await provider.suggestDiagnosis([...symptoms])).toEqual(first);
          expect(byCode.get(first.icd_code)).toBe(first.main_diagnosis);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every code in the table has the ICD-10 shape', () => {
    for (const row of SYMPTOM_TABLE) expect(row.icd10).toMatch(/^[A-Z]\d{2}(\.\d{1,3})?$/);
  });
});
