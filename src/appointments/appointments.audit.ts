/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const AppointmentsAudit = {
  created: 'appointment.created',
  updated: 'appointment.updated',
} as const;
