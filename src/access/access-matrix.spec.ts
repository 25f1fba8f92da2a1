import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Auth, MetricsTokenAuth, Public } from '../auth/decorators';
import { JwtAuthGuard } from '../auth/guards';
import { SecondFactorPort } from '../auth/second-factor';
import type { Principal } from '../auth/principal';
import { AppException } from '../common/errors';
import type { AppConfig } from '../config/config';
import type { SubscriptionState } from '../subscriptions/plans';
import { SubscriptionGuard } from '../subscriptions/subscription.guard';
import { RolesGuard } from '../users/roles.guard';
import { Role } from '../users/user.entity';
import { AccessDenials } from './access-denials';
import { AccessService } from './access.service';
import type { OwnershipPolicy } from './ownership-policy';
import { OwnershipGuard } from './ownership.guard';

/**
 * The access matrix, guard by guard, without a database: each module's guard reads its part of the
 * route's one @Auth() declaration. (Over HTTP, test/access-control.e2e-spec.ts and the clinical suite.)
 */
const PATIENT_OF_A = '11111111-1111-4111-8111-111111111111';
const ABOUT_P = '22222222-2222-4222-8222-222222222222';
const MISSING = '33333333-3333-4333-8333-333333333333';

function contextFor(
  decorator: MethodDecorator | undefined,
  user?: Principal,
  request: { headers?: Record<string, string>; params?: Record<string, unknown>; body?: unknown } = {},
): ExecutionContext {
  class Target {
    handler() {}
  }
  if (decorator) decorator(Target.prototype, 'handler', Object.getOwnPropertyDescriptor(Target.prototype, 'handler')!);
  const req = { headers: {}, ...request, user };
  return {
    getHandler: () => Object.getOwnPropertyDescriptor(Target.prototype, 'handler')!.value as () => void,
    getClass: () => Target,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

const active: SubscriptionState = { plan: 'basic', status: 'active', currentPeriodEnd: new Date(Date.now() + 86400_000) };
const principal = (role: Role, id = `${role}-id`, extra: Partial<Principal> = {}): Principal => ({
  id,
  role,
  emailVerified: true,
  tokenId: 'j',
  tokenExpiresAt: 0,
  sessionId: 's',
  subscription: null,
  account: {} as Principal['account'],
  amr: ['pwd'],
  ...extra,
});
const outcome = async (fn: () => boolean | Promise<boolean>): Promise<string> => {
  try {
    return String(await fn());
  } catch (e) {
    return e instanceof AppException ? `${e.code}: ${e.message}` : String(e);
  }
};

/** A patient policy like PatientAccessPolicy's rule: the doctor "doctor-a" owns PATIENT_OF_A; patient "p" is ABOUT_P. */
const patients: OwnershipPolicy = {
  resource: 'patient',
  label: 'Patient',
  allowed: (who, ids, orPatient) => {
    const rows: Record<string, { doctor: string; account: string | null }> = {
      [PATIENT_OF_A]: { doctor: 'doctor-a', account: null },
      [ABOUT_P]: { doctor: 'doctor-a', account: 'p' },
    };
    return Promise.resolve(
      new Map(ids.filter((id) => rows[id]).map((id) => [id, rows[id].doctor === who.id || (orPatient && rows[id].account === who.id)])),
    );
  },
  scope: (who) => ({ where: 'p.doctor_id = :accessPrincipal', params: { accessPrincipal: who.id } }),
};

describe('access matrix: every guard of the chain, from one declaration', () => {
  const reflector = new Reflector();
  /** The rules each 403 was recorded under (AccessDenials audits them as access.denied). */
  const denied: string[] = [];
  const denials = {
    record: (_ctx: unknown, rule: string) => {
      denied.push(rule);
      return Promise.resolve();
    },
  } as unknown as AccessDenials;
  const roles = new RolesGuard(reflector, denials);
  const subscription = new SubscriptionGuard(reflector, denials);
  const access = new AccessService();
  access.register(patients);
  const ownership = new OwnershipGuard(reflector, access, denials);
  /** The chain after authentication, in the order AppModule registers it. */
  const chain = (decorator: MethodDecorator | undefined, user: Principal | undefined, request = {}) =>
    outcome(async () => {
      const ctx = contextFor(decorator, user, request);
      return (await roles.canActivate(ctx)) && (await subscription.canActivate(ctx)) && (await ownership.canActivate(ctx));
    });

  it('every 403 of the chain is recorded with its rule before it is thrown; 404 and 400 are not', async () => {
    denied.length = 0;
    await chain(Auth({ roles: ['admin'] }), principal('doctor'));
    await chain(Auth({ roles: ['doctor'], subscription: 'ai' }), principal('doctor'));
    const owned = Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' } });
    await chain(owned, principal('doctor', 'doctor-b'), { params: { id: PATIENT_OF_A } });
    await chain(owned, principal('doctor', 'doctor-a'), { params: { id: MISSING } });
    await chain(owned, principal('doctor', 'doctor-a'), { params: { id: PATIENT_OF_A } });
    expect(denied).toEqual(['ROLE_REQUIRED', 'SUBSCRIPTION_REQUIRED', 'NOT_OWNER']);
  });

  it('public routes pass every guard without a principal', async () => {
    expect(await chain(Public(), undefined)).toBe('true');
  });

  it('roles: names the roles; admin passes; an undeclared route is admin only', async () => {
    expect(await chain(Auth({ roles: ['admin'] }), principal('doctor'))).toBe('ROLE_REQUIRED: Access denied. Required role: admin');
    expect(await chain(Auth({ roles: ['doctor', 'patient'] }), principal('admin'))).toBe('true');
    expect(await chain(Auth({ roles: ['doctor'] }), principal('patient'))).toBe('ROLE_REQUIRED: Access denied. Required role: doctor');
    expect(await chain(Auth(), principal('patient'))).toBe('true');
    expect(await chain(undefined, principal('doctor'))).toBe('ROLE_REQUIRED: Access denied. Required role: admin');
    expect(await chain(undefined, principal('admin'))).toBe('true');
  });

  it('subscription: an active plan that unlocks the feature; admin exempt; checked after the role', async () => {
    const gated = Auth({ roles: ['doctor'], subscription: 'ai' });
    expect(await chain(gated, principal('doctor'))).toBe('SUBSCRIPTION_REQUIRED: Active subscription required');
    expect(await chain(gated, principal('doctor', 'd', { subscription: active }))).toBe('true');
    expect(await chain(gated, principal('doctor', 'd', { subscription: { ...active, status: 'canceled' } }))).toMatch(
      /^SUBSCRIPTION_REQUIRED/,
    );
    expect(await chain(gated, principal('admin'))).toBe('true');
    expect(await chain(gated, principal('patient', 'p', { subscription: active }))).toMatch(/^ROLE_REQUIRED/);
  });

  it('subscription fhir: Professional and Enterprise, not Basic; a patient needs no plan (its data is still limited by ownership)', async () => {
    const fhir = Auth({ roles: ['doctor', 'patient'], subscription: 'fhir' });
    const on = (plan: 'basic' | 'professional' | 'enterprise') => principal('doctor', 'd', { subscription: { ...active, plan } });
    expect(await chain(fhir, on('basic'))).toBe('SUBSCRIPTION_REQUIRED: Active subscription required');
    expect(await chain(fhir, on('professional'))).toBe('true');
    expect(await chain(fhir, on('enterprise'))).toBe('true');
    expect(await chain(fhir, principal('doctor'))).toMatch(/^SUBSCRIPTION_REQUIRED/);
    expect(await chain(fhir, principal('patient'))).toBe('true');
    // the exemption is the patient's, for fhir only
    expect(await chain(Auth({ roles: ['doctor', 'patient'], subscription: 'ai' }), principal('patient'))).toMatch(/^SUBSCRIPTION_REQUIRED/);
    const owned = Auth({ roles: ['doctor', 'patient'], subscription: 'fhir', owns: { resource: 'patient', param: 'id', orPatient: true } });
    expect(await chain(owned, principal('patient', 'q'), { params: { id: ABOUT_P } })).toMatch(/^NOT_OWNER/);
    expect(await chain(owned, principal('patient', 'p'), { params: { id: ABOUT_P } })).toBe('true');
  });

  it('ownership: the owner passes, another doctor is NOT_OWNER, a missing id NOT_FOUND for everyone, admin passes', async () => {
    const owned = Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' } });
    const params = (id: string) => ({ params: { id } });
    expect(await chain(owned, principal('doctor', 'doctor-a'), params(PATIENT_OF_A))).toBe('true');
    expect(await chain(owned, principal('doctor', 'doctor-b'), params(PATIENT_OF_A))).toBe(
      'NOT_OWNER: You do not have access to this resource',
    );
    expect(await chain(owned, principal('admin'), params(PATIENT_OF_A))).toBe('true');
    expect(await chain(owned, principal('doctor', 'doctor-a'), params(MISSING))).toBe('NOT_FOUND: Patient not found');
    expect(await chain(owned, principal('admin'), params(MISSING))).toBe('NOT_FOUND: Patient not found');
    expect(await chain(owned, principal('doctor', 'doctor-a'), params('123'))).toBe('VALIDATION_ERROR: Validation failed');
  });

  it('ownership orPatient: the patient it is about may read it, no other patient may', async () => {
    const readable = Auth({ roles: ['doctor', 'patient'], owns: { resource: 'patient', param: 'id', orPatient: true } });
    const writable = Auth({ roles: ['doctor', 'patient'], owns: { resource: 'patient', param: 'id' } });
    expect(await chain(readable, principal('patient', 'p'), { params: { id: ABOUT_P } })).toBe('true');
    expect(await chain(readable, principal('patient', 'q'), { params: { id: ABOUT_P } })).toMatch(/^NOT_OWNER/);
    expect(await chain(writable, principal('patient', 'p'), { params: { id: ABOUT_P } })).toMatch(/^NOT_OWNER/);
  });

  it('ownership of a body id: checked when it is a UUID, left to validation when absent or malformed', async () => {
    const booking = Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'patientId', in: 'body' } });
    expect(await chain(booking, principal('doctor', 'doctor-b'), { body: { patientId: PATIENT_OF_A } })).toMatch(/^NOT_OWNER/);
    expect(await chain(booking, principal('doctor', 'doctor-a'), { body: { patientId: PATIENT_OF_A } })).toBe('true');
    expect(await chain(booking, principal('doctor', 'doctor-b'), { body: {} })).toBe('true');
    expect(await chain(booking, principal('doctor', 'doctor-b'), { body: { patientId: 42 } })).toBe('true');
  });

  it('lists: the same rule as a filter, and none for admin', () => {
    expect(access.scope(principal('doctor', 'doctor-a'), 'patient')).toEqual({
      where: 'p.doctor_id = :accessPrincipal',
      params: { accessPrincipal: 'doctor-a' },
    });
    expect(access.scope(principal('admin'), 'patient')).toBeNull();
  });

  it('a resource without a policy is a programming error, not an open door', async () => {
    const unknown = Auth({ roles: ['doctor'], owns: { resource: 'appointment', param: 'id' } });
    expect(await chain(unknown, principal('doctor'), { params: { id: PATIENT_OF_A } })).toBe(
      'Error: no ownership policy registered for appointment',
    );
    expect(() => access.register(patients)).toThrow('a second ownership policy for patient');
  });
});

describe('JwtAuthGuard: authentication, then the verified email', () => {
  const mfa = (requiredRoles: Role[] = []) => ({ mfa: { requiredRoles } }) as unknown as AppConfig;
  const port = new SecondFactorPort();
  const guard = new JwtAuthGuard(new Reflector(), { ...mfa(), metricsToken: 'scrape-secret' }, port);
  const passport = jest.spyOn(Object.getPrototypeOf(JwtAuthGuard.prototype) as { canActivate: () => Promise<boolean> }, 'canActivate');
  afterAll(() => passport.mockRestore());
  const bearer = { headers: { authorization: 'Bearer abc.def.ghi' } };

  it('AUTH_HEADER_MISSING and AUTH_HEADER_INVALID before any token is read; public routes read none', async () => {
    passport.mockResolvedValue(true);
    expect(await outcome(() => guard.canActivate(contextFor(Auth())))).toBe('AUTH_HEADER_MISSING: Authorization header is required');
    expect(await outcome(() => guard.canActivate(contextFor(Auth(), undefined, { headers: { authorization: 'Basic abc' } })))).toBe(
      'AUTH_HEADER_INVALID: Invalid Authorization header format',
    );
    expect(await outcome(() => guard.canActivate(contextFor(Public())))).toBe('true');
    expect(passport).not.toHaveBeenCalled();
  });

  it('requires a verified email by default, and not where the route says so', async () => {
    passport.mockResolvedValue(true);
    const unverified = principal('doctor', 'd', { emailVerified: false });
    expect(await outcome(() => guard.canActivate(contextFor(Auth(), unverified, bearer)))).toBe(
      'EMAIL_NOT_VERIFIED: Email verification required',
    );
    expect(await outcome(() => guard.canActivate(contextFor(Auth({ verified: false }), unverified, bearer)))).toBe('true');
    expect(await outcome(() => guard.canActivate(contextFor(undefined, unverified, bearer)))).toMatch(/^EMAIL_NOT_VERIFIED/);
  });

  it('the metrics route takes METRICS_TOKEN, never a user token; with no token configured it is open, except in production (404)', async () => {
    passport.mockClear();
    const scrape = (authorization?: string) =>
      outcome(() => guard.canActivate(contextFor(MetricsTokenAuth(), undefined, { headers: authorization ? { authorization } : {} })));
    expect(await scrape()).toBe('AUTH_HEADER_MISSING: Authorization header is required');
    expect(await scrape('Bearer wrong')).toBe('TOKEN_INVALID: Invalid token');
    expect(await scrape('Bearer scrape-secret')).toBe('true');
    expect(passport).not.toHaveBeenCalled();
    const open = new JwtAuthGuard(new Reflector(), mfa(), port);
    expect(await outcome(() => open.canActivate(contextFor(MetricsTokenAuth())))).toBe('true');
    const production = new JwtAuthGuard(new Reflector(), { ...mfa(), env: 'production' }, port);
    expect(await outcome(() => production.canActivate(contextFor(MetricsTokenAuth())))).toBe('NOT_FOUND: Route not found');
  });

  it('step-up: `mfa: true` needs a token whose login used a second factor (amr otp), else 403 MFA_REQUIRED', async () => {
    passport.mockResolvedValue(true);
    const pwd = principal('doctor', 'd');
    const otp = principal('doctor', 'd', { amr: ['pwd', 'otp'] });
    expect(await outcome(() => guard.canActivate(contextFor(Auth({ mfa: true }), pwd, bearer)))).toBe(
      'MFA_REQUIRED: Multi-factor authentication required',
    );
    expect(await outcome(() => guard.canActivate(contextFor(Auth({ mfa: true }), otp, bearer)))).toBe('true');
    expect(await outcome(() => guard.canActivate(contextFor(Auth(), pwd, bearer)))).toBe('true');
  });

  it('every admin-only route needs the second factor of an admin when MFA_REQUIRED_ROLES includes admin, and only then', async () => {
    passport.mockResolvedValue(true);
    const policy = new JwtAuthGuard(new Reflector(), mfa(['admin']), port);
    const admin = principal('admin');
    const adminOtp = principal('admin', 'a', { amr: ['pwd', 'otp'] });
    const adminRoute = Auth({ roles: ['admin'] });
    expect(await outcome(() => policy.canActivate(contextFor(adminRoute, admin, bearer)))).toMatch(/^MFA_REQUIRED/);
    expect(await outcome(() => policy.canActivate(contextFor(adminRoute, adminOtp, bearer)))).toBe('true');
    // a doctor is refused by the role guard next (ROLE_REQUIRED), not asked for a factor it cannot add
    expect(await outcome(() => policy.canActivate(contextFor(adminRoute, principal('doctor'), bearer)))).toBe('true');
    // routes other roles may call are not admin routes
    expect(await outcome(() => policy.canActivate(contextFor(Auth({ roles: ['doctor'] }), admin, bearer)))).toBe('true');
    expect(await outcome(() => policy.canActivate(contextFor(Auth(), admin, bearer)))).toBe('true');
    // without the policy, an admin route takes a password-only admin token
    expect(await outcome(() => guard.canActivate(contextFor(adminRoute, admin, bearer)))).toBe('true');
    expect(
      await outcome(() => new JwtAuthGuard(new Reflector(), mfa(['doctor']), port).canActivate(contextFor(adminRoute, admin, bearer))),
    ).toBe('true');
  });

  it('an opaque bearer on a route that takes the enrolment mfaToken goes to the MFA module; a JWT never does; elsewhere it is a token', async () => {
    passport.mockClear();
    passport.mockResolvedValue(true);
    const seen: string[] = [];
    const enrolled = principal('admin', 'e', { amr: [], mfaEnrolment: true });
    const withMfa = new SecondFactorPort();
    withMfa.register({
      challenge: () => Promise.resolve(),
      enrolmentPrincipal: (t) => (seen.push(t), Promise.resolve(t === 'live' ? enrolled : null)),
    });
    const g = new JwtAuthGuard(new Reflector(), mfa(['admin']), withMfa);
    const req = (authorization: string) => ({ headers: { authorization } });
    const ok = contextFor(Auth({ mfaEnrolment: true }), undefined, req('Bearer live'));
    expect(await outcome(() => g.canActivate(ok))).toBe('true');
    expect(ok.switchToHttp().getRequest<{ user?: Principal }>().user).toBe(enrolled);
    expect(await outcome(() => g.canActivate(contextFor(Auth({ mfaEnrolment: true }), undefined, req('Bearer dead'))))).toBe(
      'TOKEN_INVALID: Invalid token',
    );
    expect(passport).not.toHaveBeenCalled();
    expect(await outcome(() => g.canActivate(contextFor(Auth({ mfaEnrolment: true }), principal('doctor'), req('Bearer a.b.c'))))).toBe(
      'true',
    );
    expect(passport).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['live', 'dead']);
  });

  it('maps passport outcomes to the contract codes', async () => {
    const expired = Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' });
    expect(await outcome(() => guard.handleRequest(null, false, expired))).toBe('TOKEN_EXPIRED: Token has expired');
    expect(await outcome(() => guard.handleRequest(null, false, new Error('invalid signature')))).toBe('TOKEN_INVALID: Invalid token');
  });
});
