/** The audit actions this module records (AuditService.record); the audit module lists none of its own. */
export const InvitationsAudit = {
  sent: 'patient.invited',
  accepted: 'invitation.accepted',
} as const;
