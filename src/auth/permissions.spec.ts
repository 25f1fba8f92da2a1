import { Feature, PLAN_IDS, PLANS, SubscriptionState, SubscriptionStatus } from '../subscriptions/plans';
import { Role, ROLES } from '../users/user.entity';
import { Permissions, permissionsFor } from './permissions';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;
const sub = (status: SubscriptionStatus, endOffsetMs: number): SubscriptionState => ({
  plan: 'professional',
  status,
  currentPeriodEnd: new Date(NOW.getTime() + endOffsetMs),
});

/** The subscription situations an account can be in. */
const STATES: Record<string, SubscriptionState | null> = {
  'no subscription': null,
  active: sub('active', 30 * DAY),
  trialing: sub('trialing', 14 * DAY),
  'active but expired by date': sub('active', -1),
  'trialing but expired by date': sub('trialing', -DAY),
  'ending exactly now': sub('active', 0),
  past_due: sub('past_due', 30 * DAY),
  canceled: sub('canceled', 30 * DAY),
  'status expired': sub('expired', 30 * DAY),
};

const NOTHING: Permissions = {
  canManageUsers: false,
  canCreateAppointments: false,
  canUseAiFeatures: false,
  canViewAnalytics: false,
  canAccessFhirResources: false,
};
const EVERYTHING: Permissions = {
  canManageUsers: true,
  canCreateAppointments: true,
  canUseAiFeatures: true,
  canViewAnalytics: true,
  canAccessFhirResources: true,
};
/** On Professional (or Enterprise): everything but user management. */
const SUBSCRIBED_DOCTOR: Permissions = {
  canManageUsers: false,
  canCreateAppointments: true,
  canUseAiFeatures: true,
  canViewAnalytics: true,
  canAccessFhirResources: true,
};
/** Basic does not include the FHIR interface. */
const BASIC_DOCTOR: Permissions = { ...SUBSCRIBED_DOCTOR, canAccessFhirResources: false };
/** A patient reads their own data over FHIR without any plan, and nothing else. */
const PATIENT: Permissions = { ...NOTHING, canAccessFhirResources: true };

/** role → situation → the four booleans (written out, not computed). */
const EXPECTED: Record<Role, Record<keyof typeof STATES, Permissions>> = {
  admin: {
    'no subscription': EVERYTHING,
    active: EVERYTHING,
    trialing: EVERYTHING,
    'active but expired by date': EVERYTHING,
    'trialing but expired by date': EVERYTHING,
    'ending exactly now': EVERYTHING,
    past_due: EVERYTHING,
    canceled: EVERYTHING,
    'status expired': EVERYTHING,
  },
  doctor: {
    'no subscription': NOTHING,
    active: SUBSCRIBED_DOCTOR,
    trialing: SUBSCRIBED_DOCTOR,
    'active but expired by date': NOTHING,
    'trialing but expired by date': NOTHING,
    'ending exactly now': NOTHING,
    past_due: NOTHING,
    canceled: NOTHING,
    'status expired': NOTHING,
  },
  patient: {
    'no subscription': PATIENT,
    active: PATIENT,
    trialing: PATIENT,
    'active but expired by date': PATIENT,
    'trialing but expired by date': PATIENT,
    'ending exactly now': PATIENT,
    past_due: PATIENT,
    canceled: PATIENT,
    'status expired': PATIENT,
  },
};

describe('permissionsFor(role, subscription)', () => {
  it('the table names every role there is', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
  });

  const cases = ROLES.flatMap((role) => Object.keys(STATES).map((state) => [role, state] as const));
  it.each(cases)('%s, %s', (role, state) => {
    expect(permissionsFor(role, STATES[state], NOW)).toEqual(EXPECTED[role][state]);
  });

  it.each(PLAN_IDS)('an active doctor on %s gets the subscribed permissions (FHIR not on basic)', (plan) => {
    expect(permissionsFor('doctor', { ...sub('active', DAY), plan }, NOW)).toEqual(plan === 'basic' ? BASIC_DOCTOR : SUBSCRIBED_DOCTOR);
  });

  it('decides at the given moment: the same subscription before and after its end', () => {
    const s = sub('active', DAY);
    expect(permissionsFor('doctor', s, NOW)).toEqual(SUBSCRIBED_DOCTOR);
    expect(permissionsFor('doctor', s, new Date(NOW.getTime() + 2 * DAY))).toEqual(NOTHING);
  });

  it('without a moment, decides against the clock at the call', () => {
    const current = { plan: 'basic', status: 'active', currentPeriodEnd: new Date(Date.now() + DAY) } as const;
    const ended = { plan: 'basic', status: 'active', currentPeriodEnd: new Date(Date.now() - DAY) } as const;
    expect(permissionsFor('doctor', current)).toEqual(BASIC_DOCTOR);
    expect(permissionsFor('doctor', ended)).toEqual(NOTHING);
  });

  it("each permission follows its own feature of the doctor's plan", () => {
    const withOnly = (features: Feature[]) => {
      jest.replaceProperty(PLANS.professional, 'features', features);
      try {
        return permissionsFor('doctor', sub('active', DAY), NOW);
      } finally {
        jest.restoreAllMocks();
      }
    };
    expect(withOnly(['appointments'])).toEqual({ ...NOTHING, canCreateAppointments: true });
    expect(withOnly(['ai'])).toEqual({ ...NOTHING, canUseAiFeatures: true });
    expect(withOnly(['analytics'])).toEqual({ ...NOTHING, canViewAnalytics: true });
    expect(withOnly(['fhir'])).toEqual({ ...NOTHING, canAccessFhirResources: true });
    expect(withOnly([])).toEqual(NOTHING);
    // an admin needs no plan at all
    jest.replaceProperty(PLANS.professional, 'features', []);
    try {
      expect(permissionsFor('admin', sub('active', DAY), NOW)).toEqual(EVERYTHING);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
