/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const RecordsAudit = {
  created: 'record.created',
} as const;
