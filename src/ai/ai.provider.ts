/** What a provider gets to draft a note: no names or identifiers, only the clinical context. */
export interface NoteRequest {
  template: NoteTemplate;
  language: string;
  appointment: { reason: string; startsAt: Date; endsAt: Date; status: string };
  patientAge: number | null;
  records: Array<{ type: string; content: string; createdAt: Date }>;
}

export interface NoteDraft {
  notes: string;
  summary: string;
}

export interface DiagnosisSuggestion {
  main_diagnosis: string;
  icd_code: string;
  reason: string;
}

export const NOTE_TEMPLATES = ['soap_note', 'progress_note', 'consultation_note'] as const;
export type NoteTemplate = (typeof NOTE_TEMPLATES)[number];
export const NOTE_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;

/** The one interface every AI provider implements; AI_PROVIDER chooses which. */
export interface AiProvider {
  readonly name: string;
  draftNote(request: NoteRequest): Promise<NoteDraft>;
  suggestDiagnosis(symptoms: string[]): Promise<DiagnosisSuggestion>;
}

export const AI_PROVIDER = Symbol('AI_PROVIDER');
export const REVIEW_NOTICE = 'AI-generated draft: a clinician must review it before any clinical use.';
