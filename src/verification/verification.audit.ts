/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const VerificationAudit = {
  emailVerified: 'email.verified',
  passwordReset: 'password.reset',
  /** POST /api/password/forgot, coalesced per client and minute (AuditService.recordCoalesced). */
  passwordResetRequested: 'password.reset_requested',
} as const;
