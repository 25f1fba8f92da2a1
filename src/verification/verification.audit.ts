/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const VerificationAudit = {
  emailVerified: 'email.verified',
  passwordReset: 'password.reset',
} as const;
