import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/common.dto';
import type { Feature, SubscriptionState } from '../subscriptions/plans';
import { Role } from '../users/user.entity';

export const ACCESS_KEY = 'medisync:access';

/** What a route declares about who may call it. Every route declares one (a test walks them all). */
export interface AccessRule {
  public: boolean;
  /** Roles allowed; admin always passes. Empty: any authenticated role. */
  roles: Role[];
  /** Require a verified email (default true for authenticated routes). */
  verified: boolean;
  /** Require an active subscription whose plan unlocks this feature (admin exempt); null: none needed. */
  subscription: Feature | null;
}

export interface AuthOptions {
  roles?: Role[];
  verified?: boolean;
  /** The feature an active subscription must unlock, e.g. 'appointments', 'ai' or 'analytics'. */
  subscription?: Feature;
}

/** Anyone may call the route: no token is read. */
export const Public = () => SetMetadata(ACCESS_KEY, { public: true, roles: [], verified: false, subscription: null } satisfies AccessRule);

/**
 * The one access declaration for protected routes: sets what the global guards enforce and documents
 * the same in OpenAPI (bearer security, 401/403 responses, and `x-access` naming roles and subscription).
 */
export function Auth(options: AuthOptions = {}) {
  const rule: AccessRule = {
    public: false,
    roles: options.roles ?? [],
    verified: options.verified ?? true,
    subscription: options.subscription ?? null,
  };
  const forbidden = [
    rule.verified && 'EMAIL_NOT_VERIFIED',
    rule.roles.length > 0 && `ROLE_REQUIRED (needs ${rule.roles.join(' or ')}; admin passes)`,
    rule.subscription && `SUBSCRIPTION_REQUIRED (an active plan with ${rule.subscription}; admin exempt)`,
  ].filter(Boolean);
  return applyDecorators(
    SetMetadata(ACCESS_KEY, rule),
    ApiBearerAuth('bearer'),
    ApiExtension('x-access', {
      roles: rule.roles.length ? rule.roles : 'any',
      subscription: rule.subscription,
      verifiedEmail: rule.verified,
    }),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'AUTH_HEADER_MISSING, AUTH_HEADER_INVALID, TOKEN_INVALID, TOKEN_EXPIRED or TOKEN_REVOKED',
    }),
    ...(forbidden.length ? [ApiForbiddenResponse({ type: ErrorResponseDto, description: forbidden.join(', ') })] : []),
  );
}

/** The authenticated principal, as the JWT guard established it. */
export interface Principal {
  id: string;
  role: Role;
  emailVerified: boolean;
  /** The token's `jti`, for logout. */
  tokenId: string;
  /** The token's `exp` (seconds since the epoch). */
  tokenExpiresAt: number;
  /** The account's current subscription, read with the rest of its state on this request. */
  subscription: SubscriptionState | null;
}

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
  if (!principal) throw new Error('CurrentUser used on a route without authentication');
  return principal;
});
