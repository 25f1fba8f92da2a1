/** The audit actions this module records (AuditService.record). */
export const SessionsAudit = {
  started: 'session.started',
  ended: 'session.ended',
  refreshReused: 'session.refresh_reused',
  idleExpired: 'session.idle_expired',
} as const;
