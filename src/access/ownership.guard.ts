import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { principalOf } from '../auth/principal';
import { AppException } from '../common/errors';
import { AccessDenials } from './access-denials';
import { AccessService } from './access.service';
import { ownsOf } from './owns';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The last guard of the chain: a route that declares `owns` reaches its handler only when the id it
 * names belongs to the caller (AccessService). A malformed path id is 400 VALIDATION_ERROR naming it.
 * A body id that is absent or not a UUID is left to validation, which refuses it before the handler
 * (every DTO field named by an `owns` rule is an @IsUUID property).
 */
@Injectable()
export class OwnershipGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    private readonly denials: AccessDenials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = principalOf(context);
    const rule = ownsOf(this.reflector, [context.getHandler(), context.getClass()]);
    if (!principal || !rule) return true;
    const request = context.switchToHttp().getRequest<{ params?: Record<string, unknown>; body?: unknown }>();
    const source = rule.in === 'body' ? request.body : request.params;
    const id = source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[rule.param] : undefined;
    if (typeof id !== 'string' || !UUID.test(id)) {
      if (rule.in === 'body') return true;
      throw AppException.validation([{ field: rule.param, message: `${rule.param} must be a UUID` }]);
    }
    try {
      await this.access.require(principal, rule.resource, [id], rule.orPatient ?? false);
    } catch (error) {
      if (error instanceof AppException && error.code === 'NOT_OWNER')
        await this.denials.record(context, 'NOT_OWNER', { id, type: rule.resource });
      throw error;
    }
    return true;
  }
}
