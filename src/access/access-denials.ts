import { ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { principalOf } from '../auth/principal';
import { AccessAudit } from './access.audit';

export type DenialRule = 'ROLE_REQUIRED' | 'SUBSCRIPTION_REQUIRED' | 'NOT_OWNER';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records a 403 from any of the access guards (role: Users, subscription: Subscriptions, ownership:
 * Access) as `access.denied` with the route template, the rule and the target, each guard calling it
 * before it throws. Repeats by one principal on one route within a minute are one event with a count.
 */
@Injectable()
export class AccessDenials {
  constructor(private readonly audit: AuditService) {}

  async record(context: ExecutionContext, rule: DenialRule, target?: { id: string; type: string }): Promise<void> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = principalOf(context);
    const route = `${request.method} ${request.routeOptions?.url ?? 'unmatched'}`;
    // without an ownership target: the route's first id parameter, if any
    const params = (request.params ?? {}) as Record<string, unknown>;
    const paramId = Object.values(params).find((v): v is string => typeof v === 'string' && UUID.test(v));
    const targetId = target?.id ?? paramId ?? null;
    await this.audit.recordCoalesced(
      {
        action: AccessAudit.denied,
        actorId: principal?.id ?? null,
        targetId,
        targetType: target?.type ?? (targetId ? 'unknown' : undefined),
        details: { rule, role: principal?.role ?? null },
      },
      route,
    );
  }
}
