/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const AccessAudit = {
  /** A 403 from the role, subscription or ownership rule; repeats coalesce (AuditService.recordCoalesced). */
  denied: 'access.denied',
} as const;
