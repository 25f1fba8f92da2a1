import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { SubscriptionState } from '../subscriptions/plans';
import type { AccountView } from '../users/dto/users.dto';
import type { Role } from '../users/user.entity';
import type { Amr } from './token.service';

/** The authenticated caller, as the authentication guard established it from the token and the account's live state. */
export interface Principal {
  id: string;
  role: Role;
  emailVerified: boolean;
  /** The token's `jti`. */
  tokenId: string;
  /** The token's `exp` (seconds since the epoch). */
  tokenExpiresAt: number;
  /** The session the token belongs to (`sid`); null for the enrolment mfaToken, which has none. */
  sessionId: string | null;
  /** The account's current subscription, read with the rest of its state on this request. */
  subscription: SubscriptionState | null;
  /**
   * The account's row (no password hash) as read with its access state for this request: at most
   * ACCESS_CACHE_TTL_MS old, and never older than the last change any instance heard of.
   */
  account: AccountView;
  /** How the token's login was made (`amr`): a route that needs a second factor wants 'otp'. Empty for an enrolment token. */
  amr: Amr[];
  /**
   * Set only for the enrolment mfaToken of MFA_ENROLLMENT_REQUIRED, which authenticates the routes
   * declared `@Auth({ mfaEnrolment: true })` (setup and confirm) and nothing else; `tokenId` is then the challenge's id.
   */
  mfaEnrolment?: boolean;
}

/**
 * The admin bypass, decided here and nowhere else: an admin passes every role, subscription and
 * ownership rule (the contract, Roles). The role, subscription and ownership checks all ask this.
 */
export function bypassesAccessRules(principal: Pick<Principal, 'role'>): boolean {
  return principal.role === 'admin';
}

/** The principal of an authenticated route (`@CurrentUser() user: Principal`); nobody reads `req.user` by hand. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx);
  if (!principal) throw new Error('CurrentUser used on a route without authentication');
  return principal;
});

/** The principal of the request, if the route is authenticated (guards run after authentication). */
export function principalOf(ctx: ExecutionContext): Principal | undefined {
  return ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
}
