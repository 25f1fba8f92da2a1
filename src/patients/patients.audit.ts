/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const PatientsAudit = {
  created: 'patient.created',
  updated: 'patient.updated',
  deleted: 'patient.deleted',
} as const;
