import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessDenials } from '../access/access-denials';
import { bypassesAccessRules, principalOf } from '../auth/principal';
import { AppException } from '../common/errors';
import { exemptRoles, Feature, unlocks } from './plans';

export const SUBSCRIPTION_KEY = 'medisync:subscription';

/** The feature an active subscription must unlock for the route (admin exempt). Set through `@Auth({ subscription })`. */
export const RequiresSubscription = (feature: Feature | null) => SetMetadata(SUBSCRIPTION_KEY, feature);

export function subscriptionOf(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): Feature | null {
  return reflector.getAllAndOverride<Feature | null | undefined>(SUBSCRIPTION_KEY, targets) ?? null;
}

/**
 * The subscription rule, after the role rule: 403 SUBSCRIPTION_REQUIRED unless the account's current
 * subscription (read with its state on this very request) unlocks the route's feature, or the caller's
 * role needs no plan for it (a patient reading their own data over FHIR: `exemptRoles`). The login
 * response's permissions are derived with the same `unlocks()`, so the two cannot disagree.
 */
@Injectable()
export class SubscriptionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly denials: AccessDenials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = principalOf(context);
    if (!principal) return true;
    const feature = subscriptionOf(this.reflector, [context.getHandler(), context.getClass()]);
    if (!feature || bypassesAccessRules(principal) || exemptRoles(feature).includes(principal.role)) return true;
    if (unlocks(principal.subscription, feature)) return true;
    await this.denials.record(context, 'SUBSCRIPTION_REQUIRED');
    throw new AppException('SUBSCRIPTION_REQUIRED');
  }
}
