import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Quota, QuotaName } from '../abuse/quota';
import { Owns, OwnsRule } from '../access/owns';
import { ErrorResponseDto } from '../common/common.dto';
import { RequiresSubscription } from '../subscriptions/subscription.guard';
import { exemptRoles, Feature } from '../subscriptions/plans';
import { Roles } from '../users/roles.guard';
import { Role, ROLES } from '../users/user.entity';

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
 * roles: Users; subscription: Subscriptions; ownership: Access), and documents the same in OpenAPI:
 * bearer security, the 401/403/404 responses it implies, and `x-access`.
 *
 *   @Auth({ roles: ['doctor'], subscription: 'appointments', owns: { resource: 'patient', param: 'patientId', in: 'body' } })
 */
export function Auth(options: AuthOptions = {}) {
  const roles = options.roles ?? [];
  const verified = options.verified ?? true;
  const subscription = options.subscription ?? null;
  const owns = options.owns ?? null;
  const mfa = options.mfa ? 'required' : isAdminOnly(roles) ? 'when MFA_REQUIRED_ROLES includes admin' : null;
  const mfaEnrolment = options.mfaEnrolment === true;
  const forbidden = [
    'CSRF_INVALID (with AUTH_COOKIES: a POST, PUT, PATCH or DELETE authenticated by the session cookie without its X-CSRF-Token)',
    verified && 'EMAIL_NOT_VERIFIED',
    mfa && `MFA_REQUIRED (the token's login used no second factor${options.mfa ? '' : `; ${mfa}`})`,
    roles.length > 0 && `ROLE_REQUIRED (needs ${roles.join(' or ')}; admin passes)`,
    subscription &&
      `SUBSCRIPTION_REQUIRED (an active plan with ${subscription}; ${['admin', ...exemptRoles(subscription)].join(', ')} exempt)`,
    owns &&
      `NOT_OWNER (the ${owns.resource} named by ${owns.param} is not the caller's${owns.orPatient ? ', nor about the calling patient' : ''}; admin passes)`,
  ].filter(Boolean);
  return applyDecorators(
    SetMetadata(AUTH_KEY, {
      public: false,
      verified,
      ...(options.mfa ? { mfa: true } : {}),
      ...(mfaEnrolment ? { mfaEnrolment: true } : {}),
    } satisfies AuthRule),
    Roles(roles),
    RequiresSubscription(subscription),
    Owns(owns),
    Quota(options.quota ?? null),
    ...(options.quota
      ? [
          ApiResponse({
            status: 429,
            type: ErrorResponseDto,
            description: `RATE_LIMITED: this account's daily quota of ${options.quota} is used up; see Retry-After`,
          }),
        ]
      : []),
    ApiBearerAuth('bearer'),
    ApiExtension('x-access', {
      roles: roles.length ? roles : [...ROLES],
      subscription,
      verifiedEmail: verified,
      secondFactor: mfa,
      ...(mfaEnrolment ? { acceptsEnrolmentToken: true } : {}),
      ownership: owns ? { resource: owns.resource, param: owns.param, in: owns.in ?? 'path', orPatient: owns.orPatient ?? false } : null,
    }),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: `AUTH_HEADER_MISSING, AUTH_HEADER_INVALID, TOKEN_INVALID, TOKEN_EXPIRED or TOKEN_REVOKED${mfaEnrolment ? ' (also for a spent or expired enrolment mfaToken)' : ''}`,
    }),
    ...(forbidden.length ? [ApiForbiddenResponse({ type: ErrorResponseDto, description: forbidden.join(', ') })] : []),
    ...(owns ? [ApiNotFoundResponse({ type: ErrorResponseDto, description: `NOT_FOUND: no such ${owns.resource} (or archived)` })] : []),
  );
}
