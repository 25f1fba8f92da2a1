import { applyDecorators, SetMetadata } from '@nestjs/common';
import { Quota, QuotaName } from '../abuse/quota';
import { Owns, OwnsRule } from '../access/owns';
import { RequiresSubscription } from '../subscriptions/subscription.guard';
import type { Feature } from '../subscriptions/plans';
import { Roles } from '../users/roles.guard';
import { Role } from '../users/user.entity';

export const AUTH_KEY = 'medisync:auth';

/** What authentication a route asks for (the Auth module's part of the declaration). */
export interface AuthRule {
  public: boolean;
  /** Require a verified email (default true for authenticated routes). */
  verified: boolean;
  /** Authenticated by the static METRICS_TOKEN instead of a user's token (public while it is unset). */
  metricsToken?: boolean;
  /** The token must say the login used a second factor (`amr` has `otp`), else 403 MFA_REQUIRED. */
  mfa?: boolean;
  /** Also accepts, as the bearer, the enrolment mfaToken of MFA_ENROLLMENT_REQUIRED (MFA setup and confirm only). */
  mfaEnrolment?: boolean;
}

/** A route that declares nothing is the strictest authenticated route (and admin only, see UNDECLARED_ROLES). */
export const UNDECLARED_AUTH: AuthRule = { public: false, verified: true };

export interface AuthOptions {
  /** Roles admitted (admin always passes); none: any authenticated role. */
  roles?: Role[];
  /** Require a verified email; default true. */
  verified?: boolean;
  /** The feature an active subscription must unlock, e.g. 'appointments', 'ai', 'analytics' or 'fhir' (admin exempt, and the roles `exemptRoles()` names). */
  subscription?: Feature;
  /** The id in this request field must name a resource the caller owns (admin passes; missing is 404). */
  owns?: OwnsRule;
  /** A per-account daily quota (429 RATE_LIMITED over it), e.g. 'invitations' (INVITES_PER_DAY). */
  quota?: QuotaName;
  /**
   * Step-up: the caller's login must have used a second factor (403 MFA_REQUIRED otherwise). Every
   * admin-only route requires it anyway when MFA_REQUIRED_ROLES includes admin.
   */
  mfa?: boolean;
  /** Also accept the enrolment mfaToken (MFA_ENROLLMENT_REQUIRED) as the bearer; only for MFA setup and confirm. */
  mfaEnrolment?: boolean;
}

/** Admin-only routes need a second factor when MFA_REQUIRED_ROLES includes admin (the guard reads the roles the same way). */
export const isAdminOnly = (roles: readonly Role[]) => roles.length > 0 && roles.every((r) => r === 'admin');

/** Anyone may call the route: no token is read. */
export const Public = () => SetMetadata(AUTH_KEY, { public: true, verified: false } satisfies AuthRule);

/**
 * For Prometheus: `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set (401 otherwise,
 * with the usual header codes); while it is unset, anyone outside production, and 404 in production
 * (the contract: never public on the API port there). No user token is read.
 */
export const MetricsTokenAuth = () => SetMetadata(AUTH_KEY, { public: false, verified: false, metricsToken: true } satisfies AuthRule);

/**
 * The one access declaration of a protected route: everything about who may call it, in one place.
 * It sets each module's rule for the global guard chain (authentication and verified email: Auth;
 * roles: Users; subscription: Subscriptions; ownership: Access). The OpenAPI document reads the same
 * declarations (src/openapi.ts): bearer security, the 401/403/404/429 responses they imply, and `x-access`.
 *
 *   @Auth({ roles: ['doctor'], subscription: 'appointments', owns: { resource: 'patient', param: 'patientId', in: 'body' } })
 */
export function Auth(options: AuthOptions = {}) {
  const roles = options.roles ?? [];
  return applyDecorators(
    SetMetadata(AUTH_KEY, {
      public: false,
      verified: options.verified ?? true,
      ...(options.mfa ? { mfa: true } : {}),
      ...(options.mfaEnrolment ? { mfaEnrolment: true } : {}),
    } satisfies AuthRule),
    Roles(roles),
    RequiresSubscription(options.subscription ?? null),
    Owns(options.owns ?? null),
    Quota(options.quota ?? null),
  );
}
