import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessDenials } from '../access/access-denials';
import { bypassesAccessRules, principalOf } from '../auth/principal';
import { AppException } from '../common/errors';
import { Role } from './user.entity';

export const ROLES_KEY = 'medisync:roles';

/** The roles a route admits (admin always passes); empty: any authenticated role. Set through `@Auth({ roles })`. */
export const Roles = (roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route that declares no roles at all is the strictest: admin only (deny by default). */
export const UNDECLARED_ROLES: Role[] = ['admin'];

/** The roles a route admits, read the way the guard reads them. */
export function rolesOf(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): Role[] {
  return reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? UNDECLARED_ROLES;
}

/** The role rule, after authentication: 403 ROLE_REQUIRED naming the roles the route admits (audited as access.denied). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly denials: AccessDenials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = principalOf(context);
    if (!principal) return true; // a public route: authentication let it through without a principal
    const roles = rolesOf(this.reflector, [context.getHandler(), context.getClass()]);
    if (roles.length === 0 || bypassesAccessRules(principal) || roles.includes(principal.role)) return true;
    await this.denials.record(context, 'ROLE_REQUIRED');
    throw new AppException('ROLE_REQUIRED', `Access denied. Required role: ${roles.join(' or ')}`);
  }
}
