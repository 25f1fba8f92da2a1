/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const AuthAudit = {
  loginSucceeded: 'login.succeeded',
  loginFailed: 'login.failed',
  loginLocked: 'login.locked',
  logout: 'logout',
  registered: 'user.registered',
} as const;
