import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppException } from '../common/errors';
import { unlocks } from '../subscriptions/plans';
import { ACCESS_KEY, AccessRule, Principal } from './decorators';

/** A route that forgot to declare its access is treated as the strictest authenticated route. */
const UNDECLARED: AccessRule = { public: false, roles: ['admin'], verified: true, subscription: null };

export function accessRuleOf(reflector: Reflector, context: ExecutionContext): AccessRule {
  return reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? UNDECLARED;
}

const BEARER = /^Bearer +[^\s]+$/i;

/**
 * First global guard: authentication. Deny by default; `@Public()` opts out. The header is checked
 * here so that its absence and a wrong scheme get their own codes; passport-jwt does the rest.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (accessRuleOf(this.reflector, context).public) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers.authorization;
    if (header === undefined || header === '') throw new AppException('AUTH_HEADER_MISSING');
    if (typeof header !== 'string' || !BEARER.test(header)) throw new AppException('AUTH_HEADER_INVALID');
    return super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof Error) throw err;
    if (!user)
      throw new AppException((info as { name?: string } | undefined)?.name === 'TokenExpiredError' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    return user;
  }
}

/**
 * Second global guard: what the route's `@Auth()` asks of the principal, in the contract's order:
 * verified email, then role, then subscription. Admin passes every role and subscription check.
 * The subscription is the one read with the account on this request, so an expiry, cancellation or
 * admin change applies to the very next request of a token issued before it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = accessRuleOf(this.reflector, context);
    if (rule.public) return true;
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user) throw new AppException('TOKEN_INVALID');
    if (rule.verified && !user.emailVerified) throw new AppException('EMAIL_NOT_VERIFIED');
    if (rule.roles.length > 0 && user.role !== 'admin' && !rule.roles.includes(user.role)) {
      throw new AppException('ROLE_REQUIRED', `Access denied. Required role: ${rule.roles.join(' or ')}`);
    }
    // the same function that fills the login response's permissions decides here
    if (rule.subscription && user.role !== 'admin' && !unlocks(user.subscription, rule.subscription)) {
      throw new AppException('SUBSCRIPTION_REQUIRED');
    }
    return true;
  }
}
