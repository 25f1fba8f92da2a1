/** What a subscription can unlock. Routes name the feature they need with `@Auth({ subscription: 'ai' })`. */
export const FEATURES = ['appointments', 'ai', 'analytics'] as const;
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
 * unlocks all three today; routes still name their feature, so a plan can later leave one out.
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
    description: 'For a practice: everything in Basic, with priority support.',
    features: ['appointments', 'ai', 'analytics'],
  },
  enterprise: {
    id: 'enterprise',
    name: 'Enterprise',
    description: 'For organisations with several practices: everything in Professional, with a support agreement.',
    features: ['appointments', 'ai', 'analytics'],
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

/** Does this subscription, right now, unlock the feature? */
export function unlocks(sub: SubscriptionState | null | undefined, feature: Feature, now = new Date()): boolean {
  return isActive(sub, now) && PLANS[sub!.plan].features.includes(feature);
}
