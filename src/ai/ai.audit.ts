/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const AiAudit = {
  clinicalNote: 'ai.clinical_note',
  diagnosisPrediction: 'ai.diagnosis_prediction',
} as const;
