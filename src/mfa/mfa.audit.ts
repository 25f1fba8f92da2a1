/** The audit actions this module records (AuditService.record). */
export const MfaAudit = {
  /** TOTP confirmed: MFA is on. */
  enabled: 'mfa.enabled',
  /** Turned off by its owner. */
  disabled: 'mfa.disabled',
  /** A wrong, replayed or malformed code or recovery code (at login, confirm, or a management route). */
  failed: 'mfa.failed',
  recoveryCodeUsed: 'mfa.recovery_code_used',
  recoveryCodesRegenerated: 'mfa.recovery_codes_regenerated',
  /** Reset by an admin. */
  reset: 'mfa.reset',
  /** A right password led to MFA_REQUIRED or MFA_ENROLLMENT_REQUIRED (an mfaToken was issued). */
  challenged: 'mfa.challenged',
} as const;
