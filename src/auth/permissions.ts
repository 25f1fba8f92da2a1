import { Role } from '../users/user.entity';

export interface Permissions {
  canManageUsers: boolean;
  canCreateAppointments: boolean;
  canUseAiFeatures: boolean;
  canViewAnalytics: boolean;
}

/**
 * The one place that derives what an account may do from its role and subscription: the login
 * response shows it and the guards decide with it, so the two cannot disagree.
 */
export function permissionsFor(role: Role, hasActiveSubscription: boolean): Permissions {
  const admin = role === 'admin';
  const subscribedDoctor = role === 'doctor' && hasActiveSubscription;
  return {
    canManageUsers: admin,
    canCreateAppointments: admin || subscribedDoctor,
    canUseAiFeatures: admin || subscribedDoctor,
    canViewAnalytics: admin || subscribedDoctor,
  };
}
