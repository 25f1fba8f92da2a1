import type { Role } from '../users/user.entity';

/** What a subscription can unlock. Routes name the feature they need with `@Auth({ subscription: 'ai' })`. */
export const FEATURES = ['appointments', 'ai', 'analytics', 'fhir'] as const;
export type Feature = (typeof FEATURES)[number];

export const PLAN_IDS = ['basic', 'professional', 'enterprise'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface Plan {
  id: PlanId;
  name: string;
  description: string;
  features: Feature[];
}

/**
 * The one definition of the plans: the plans route, the guards and the login permissions read it.
 * The contract gates appointment booking, AI and analytics on *an* active subscription, so every plan
 * unlocks those three; the FHIR R4 interface (`fhir`, for hospital systems) comes with Professional
 * and Enterprise only.
 */
export const PLANS: Record<PlanId, Plan> = {
  basic: {
    id: 'basic',
    name: 'Basic',
    description: 'For a single doctor: appointments, AI assistance and analytics; email support.',
    features: ['appointments', 'ai', 'analytics'],
  },
  professional: {
    id: 'professional',
    name: 'Professional',
    description: 'For a practice: everything in Basic, the FHIR R4 interface for hospital systems, and priority support.',
    features: ['appointments', 'ai', 'analytics', 'fhir'],
  },
  enterprise: {
    id: 'enterprise',
    name: 'Enterprise',
    description: 'For organisations with several practices: everything in Professional, with a support agreement.',
    features: ['appointments', 'ai', 'analytics', 'fhir'],
  },
};

export const TRIAL_PLAN: PlanId = 'professional';
export const TRIAL_DAYS = 14;

/** The subscription facts the access decision needs. */
export interface SubscriptionState {
  plan: PlanId;
  status: SubscriptionStatus;
  currentPeriodEnd: Date;
}

/** Active: status trialing or active, and the period not over, decided now (not at login). */
export function isActive(sub: SubscriptionState | null | undefined, now = new Date()): boolean {
  return !!sub && (sub.status === 'trialing' || sub.status === 'active') && sub.currentPeriodEnd.getTime() > now.getTime();
}

/**
 * The roles that use a feature with no plan at all: a patient reads their own data over FHIR (a plan
 * is bought by a practice, never by its patients). The subscription guard and the login permissions
 * both ask this; what such a caller may see is still limited by the route's roles and ownership.
 */
const WITHOUT_PLAN: Partial<Record<Feature, readonly Role[]>> = { fhir: ['patient'] };

/** The roles exempt from the plan a feature needs (admin aside, who passes every rule). */
export function exemptRoles(feature: Feature): readonly Role[] {
  return WITHOUT_PLAN[feature] ?? [];
}

/** Does this subscription, right now, unlock the feature? */
export function unlocks(sub: SubscriptionState | null | undefined, feature: Feature, now = new Date()): boolean {
  return isActive(sub, now) && PLANS[sub!.plan].features.includes(feature);
}
