import {
  exemptRoles,
  Feature,
  FEATURES,
  isActive,
  PLAN_IDS,
  PlanId,
  PLANS,
  SUBSCRIPTION_STATUSES,
  SubscriptionState,
  SubscriptionStatus,
  unlocks,
} from './plans';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;
const sub = (status: SubscriptionStatus, endOffsetMs: number, plan: PlanId = 'professional'): SubscriptionState => ({
  plan,
  status,
  currentPeriodEnd: new Date(NOW.getTime() + endOffsetMs),
});

describe('isActive: status trialing or active, and currentPeriodEnd after now', () => {
  it.each([
    ['trialing', true],
    ['active', true],
    ['past_due', false],
    ['canceled', false],
    ['expired', false],
  ] as const)('status %s with 30 days left → %s', (status, expected) => {
    expect(isActive(sub(status, 30 * DAY), NOW)).toBe(expected);
  });

  it('the table above names every status there is', () => {
    expect([...SUBSCRIPTION_STATUSES].sort()).toEqual(['active', 'canceled', 'expired', 'past_due', 'trialing']);
  });

  it.each(['trialing', 'active'] as const)(
    '%s: the boundary is exclusive (ends one ms later: active; ends now or earlier: not)',
    (status) => {
      expect(isActive(sub(status, 1), NOW)).toBe(true);
      expect(isActive(sub(status, 0), NOW)).toBe(false);
      expect(isActive(sub(status, -1), NOW)).toBe(false);
      expect(isActive(sub(status, -30 * DAY), NOW)).toBe(false);
    },
  );

  it('no subscription (null or undefined) is not active', () => {
    expect(isActive(null, NOW)).toBe(false);
    expect(isActive(undefined, NOW)).toBe(false);
  });

  it('without an explicit time, decides against the clock at the call', () => {
    const soon = { plan: 'basic', status: 'active', currentPeriodEnd: new Date(Date.now() + DAY) } as const;
    const gone = { plan: 'basic', status: 'active', currentPeriodEnd: new Date(Date.now() - DAY) } as const;
    expect(isActive(soon)).toBe(true);
    expect(isActive(gone)).toBe(false);
  });

  it('one subscription, two moments: active before its end, not after it', () => {
    const s = sub('active', DAY);
    expect(isActive(s, NOW)).toBe(true);
    expect(isActive(s, new Date(NOW.getTime() + 2 * DAY))).toBe(false);
  });
});

describe('unlocks: an active subscription whose plan lists the feature', () => {
  /** What each plan unlocks: the contract gates three features on *an* active subscription; FHIR comes with Professional and Enterprise. */
  const EXPECTED: Record<PlanId, Record<Feature, boolean>> = {
    basic: { appointments: true, ai: true, analytics: true, fhir: false },
    professional: { appointments: true, ai: true, analytics: true, fhir: true },
    enterprise: { appointments: true, ai: true, analytics: true, fhir: true },
  };

  it('the table names every plan and feature there is', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...PLAN_IDS].sort());
    expect([...FEATURES].sort()).toEqual(['ai', 'analytics', 'appointments', 'fhir']);
  });

  const cases = PLAN_IDS.flatMap((plan) => FEATURES.map((feature) => [plan, feature] as const));

  it.each(cases)('%s × %s, active → as the table says', (plan, feature) => {
    expect(unlocks(sub('active', DAY, plan), feature, NOW)).toBe(EXPECTED[plan][feature]);
    expect(unlocks(sub('trialing', DAY, plan), feature, NOW)).toBe(EXPECTED[plan][feature]);
  });

  it.each(cases)('%s × %s: nothing once the period has ended or the status is not active', (plan, feature) => {
    expect(unlocks(sub('active', 0, plan), feature, NOW)).toBe(false);
    expect(unlocks(sub('trialing', -DAY, plan), feature, NOW)).toBe(false);
    for (const status of ['past_due', 'canceled', 'expired'] as const) expect(unlocks(sub(status, DAY, plan), feature, NOW)).toBe(false);
  });

  it.each(FEATURES)('no subscription unlocks %s', (feature) => {
    expect(unlocks(null, feature, NOW)).toBe(false);
    expect(unlocks(undefined, feature, NOW)).toBe(false);
  });

  it("reads the plan's feature list: a plan without a feature does not unlock it", () => {
    const basic = PLANS.basic;
    jest.replaceProperty(basic, 'features', ['ai']);
    try {
      expect(unlocks(sub('active', DAY, 'basic'), 'ai', NOW)).toBe(true);
      expect(unlocks(sub('active', DAY, 'basic'), 'appointments', NOW)).toBe(false);
      expect(unlocks(sub('active', DAY, 'basic'), 'analytics', NOW)).toBe(false);
      expect(unlocks(sub('active', DAY, 'professional'), 'analytics', NOW)).toBe(true);
    } finally {
      jest.restoreAllMocks();
    }
    expect(PLANS.basic.features).toEqual(['appointments', 'ai', 'analytics']);
  });

  it('each plan is filed under its own id', () => {
    for (const id of PLAN_IDS) expect(PLANS[id].id).toBe(id);
  });
});

describe('exemptRoles: who uses a feature without a plan', () => {
  it('only patients, and only for fhir (their own data); every other feature needs a plan', () => {
    expect(Object.fromEntries(FEATURES.map((f) => [f, exemptRoles(f)]))).toEqual({
      appointments: [],
      ai: [],
      analytics: [],
      fhir: ['patient'],
    });
  });
});
