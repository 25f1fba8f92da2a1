/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const UsersAudit = {
  passwordChanged: 'password.changed',
  roleChanged: 'user.role_changed',
  disabled: 'user.disabled',
  enabled: 'user.enabled',
} as const;
