import { AiProvider, DiagnosisSuggestion, NoteDraft, NoteRequest } from './ai.provider';
import { NO_MATCH, SYMPTOM_TABLE } from './symptom-table';

const HEADINGS: Record<string, Record<string, string>> = {
  en: {
    s: 'Subjective',
    o: 'Objective',
    a: 'Assessment',
    p: 'Plan',
    reason: 'Reason for visit',
    history: 'History',
    progress: 'Progress',
    findings: 'Findings',
    recommendation: 'Recommendation',
    none: 'No earlier records.',
    age: 'Age',
    follow: 'Review the findings and agree on next steps with the patient.',
  },
  de: {
    s: 'Subjektiv',
    o: 'Objektiv',
    a: 'Beurteilung',
    p: 'Plan',
    reason: 'Anlass',
    history: 'Vorgeschichte',
    progress: 'Verlauf',
    findings: 'Befunde',
    recommendation: 'Empfehlung',
    none: 'Keine früheren Einträge.',
    age: 'Alter',
    follow: 'Befunde prüfen und das weitere Vorgehen mit dem Patienten abstimmen.',
  },
  fr: {
    s: 'Subjectif',
    o: 'Objectif',
    a: 'Évaluation',
    p: 'Plan',
    reason: 'Motif',
    history: 'Antécédents',
    progress: 'Évolution',
    findings: 'Constatations',
    recommendation: 'Recommandation',
    none: 'Aucun dossier antérieur.',
    age: 'Âge',
    follow: 'Examiner les constatations et convenir de la suite avec le patient.',
  },
  es: {
    s: 'Subjetivo',
    o: 'Objetivo',
    a: 'Evaluación',
    p: 'Plan',
    reason: 'Motivo',
    history: 'Antecedentes',
    progress: 'Evolución',
    findings: 'Hallazgos',
    recommendation: 'Recomendación',
    none: 'Sin registros previos.',
    age: 'Edad',
    follow: 'Revisar los hallazgos y acordar los siguientes pasos con el paciente.',
  },
};

const normalize = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * The built-in provider: deterministic and offline. Notes are assembled from the appointment and the
 * patient's latest records in the asked template; diagnoses come from the shipped symptom table.
 */
export class RulesProvider implements AiProvider {
  readonly name = 'rules';

  draftNote(req: NoteRequest): Promise<NoteDraft> {
    const h = HEADINGS[req.language] ?? HEADINGS.en;
    const history = req.records.length
      ? req.records
          .map((r) => `- ${r.createdAt.toISOString().slice(0, 10)} [${r.type}] ${r.content.replace(/\s+/g, ' ').slice(0, 300)}`)
          .join('\n')
      : h.none;
    const when = `${req.appointment.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const age = req.patientAge === null ? '' : `${h.age}: ${req.patientAge}. `;
    let notes: string;
    switch (req.template) {
      case 'progress_note':
        notes = `${h.reason}: ${req.appointment.reason} (${when})\n\n${h.progress}:\n${history}\n\n${h.p}: ${h.follow}`;
        break;
      case 'consultation_note':
        notes = `${h.reason}: ${req.appointment.reason}\n${age}\n${h.history}:\n${history}\n\n${h.findings}: —\n\n${h.recommendation}: ${h.follow}`;
        break;
      default:
        notes = `${h.s}: ${age}${req.appointment.reason}\n\n${h.o}:\n${history}\n\n${h.a}: —\n\n${h.p}: ${h.follow}`;
    }
    const summary = `${req.appointment.reason} — ${req.records.length} record(s) considered (${when}).`;
    return Promise.resolve({ notes, summary });
  }

  suggestDiagnosis(symptoms: string[]): Promise<DiagnosisSuggestion> {
    const given = [...new Set(symptoms.map(normalize).filter(Boolean))];
    let best: { row: (typeof SYMPTOM_TABLE)[number]; matched: string[]; score: number } | undefined;
    for (const row of SYMPTOM_TABLE) {
      const matched = row.symptoms.filter((s) => given.some((g) => g === s || g.includes(s) || s.includes(g)));
      if (matched.length === 0) continue;
      // share of the condition's typical symptoms present, then the absolute number, then table order
      const score = matched.length / row.symptoms.length + matched.length / 100;
      if (!best || score > best.score) best = { row, matched, score };
    }
    if (!best) {
      return Promise.resolve({
        main_diagnosis: NO_MATCH.condition,
        icd_code: NO_MATCH.icd10,
        reason: `None of the given symptoms (${given.join(', ')}) matches the symptom table.`,
      });
    }
    return Promise.resolve({
      main_diagnosis: best.row.condition,
      icd_code: best.row.icd10,
      reason: `Matched ${best.matched.length} of ${best.row.symptoms.length} typical symptoms of ${best.row.condition}: ${best.matched.join(', ')}.`,
    });
  }
}
