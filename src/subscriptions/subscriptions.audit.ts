/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const SubscriptionsAudit = {
  trialStarted: 'subscription.trial_started',
  changed: 'subscription.changed',
} as const;
