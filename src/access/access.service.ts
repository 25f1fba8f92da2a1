import { Injectable } from '@nestjs/common';
import { bypassesAccessRules, Principal } from '../auth/principal';
import { AppException } from '../common/errors';
import type { AccessScope, OwnershipPolicy } from './ownership-policy';
import type { OwnedResource } from './owns';

/**
 * The one access component: "may this principal act on these ids of this resource?" in one SQL query
 * (the resource's OwnershipPolicy), and the same rule as a list filter. The ownership guard asks it
 * for every route that declares `owns`; list services ask it for their filter. Admin passes (see
 * bypassesAccessRules), but a missing row is NOT_FOUND for everyone.
 */
@Injectable()
export class AccessService {
  private readonly policies = new Map<OwnedResource, OwnershipPolicy>();

  /** Called by each policy when its module starts. */
  register(policy: OwnershipPolicy): void {
    if (this.policies.has(policy.resource)) throw new Error(`a second ownership policy for ${policy.resource}`);
    this.policies.set(policy.resource, policy);
  }

  /** The resources with a policy (a test checks every declared `owns` names one of them). */
  resources(): OwnedResource[] {
    return [...this.policies.keys()];
  }

  /** Passes when the principal may act on every id; else 404 NOT_FOUND (no such row) or 403 NOT_OWNER. */
  async require(principal: Principal, resource: OwnedResource, ids: string[], orPatient = false): Promise<void> {
    const policy = this.policy(resource);
    const allowed = await policy.allowed(principal, ids, orPatient);
    for (const id of ids) {
      if (!allowed.has(id)) throw new AppException('NOT_FOUND', `${policy.label} not found`);
      if (!allowed.get(id) && !bypassesAccessRules(principal)) throw new AppException('NOT_OWNER');
    }
  }

  /** The list filter for the principal: null means every row (admin). */
  scope(principal: Principal, resource: OwnedResource, orPatient = false): AccessScope | null {
    return bypassesAccessRules(principal) ? null : this.policy(resource).scope(principal, orPatient);
  }

  private policy(resource: OwnedResource): OwnershipPolicy {
    const policy = this.policies.get(resource);
    if (!policy) throw new Error(`no ownership policy registered for ${resource}`);
    return policy;
  }
}
