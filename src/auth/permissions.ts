import { exemptRoles, Feature, SubscriptionState, unlocks } from '../subscriptions/plans';
import { Role } from '../users/user.entity';

export interface Permissions {
  canManageUsers: boolean;
  canCreateAppointments: boolean;
  canUseAiFeatures: boolean;
  canViewAnalytics: boolean;
  /** The FHIR R4 interface (/fhir/R4): a doctor on a plan with `fhir`, a patient (their own data, no plan needed), admin. */
  canAccessFhirResources: boolean;
}

/**
 * The one place that derives what an account may do from its role and subscription. The login
 * response shows it, and the subscription guard decides with the same `unlocks()`, so the two
 * cannot disagree.
 */
export function permissionsFor(role: Role, subscription: SubscriptionState | null, now = new Date()): Permissions {
  const admin = role === 'admin';
  const doctorWith = (feature: Feature) => role === 'doctor' && unlocks(subscription, feature, now);
  return {
    canManageUsers: admin,
    canCreateAppointments: admin || doctorWith('appointments'),
    canUseAiFeatures: admin || doctorWith('ai'),
    canViewAnalytics: admin || doctorWith('analytics'),
    canAccessFhirResources: admin || exemptRoles('fhir').includes(role) || doctorWith('fhir'),
  };
}
