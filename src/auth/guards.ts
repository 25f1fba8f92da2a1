import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppException } from '../common/errors';
import { AUTH_KEY, AuthRule, UNDECLARED_AUTH } from './decorators';
import { principalOf } from './principal';

export function authRuleOf(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): AuthRule {
  return reflector.getAllAndOverride<AuthRule | undefined>(AUTH_KEY, targets) ?? UNDECLARED_AUTH;
}

const BEARER = /^Bearer +[^\s]+$/i;

/**
 * The guard chain's authentication step (after the rate limit): deny by default, `@Public()` opts
 * out. The header is checked here so that its absence and a wrong scheme get their own codes;
 * passport-jwt does the rest (JwtStrategy: signature, claims, the account's live state). Then the
 * verified-email rule, the other half of what the Auth module decides. Roles, subscription and
 * ownership follow, each its own module's guard.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = authRuleOf(this.reflector, [context.getHandler(), context.getClass()]);
    if (rule.public) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers.authorization;
    if (header === undefined || header === '') throw new AppException('AUTH_HEADER_MISSING');
    if (typeof header !== 'string' || !BEARER.test(header)) throw new AppException('AUTH_HEADER_INVALID');
    await (super.canActivate(context) as Promise<boolean>);
    if (rule.verified && !principalOf(context)?.emailVerified) throw new AppException('EMAIL_NOT_VERIFIED');
    return true;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof Error) throw err;
    if (!user)
      throw new AppException((info as { name?: string } | undefined)?.name === 'TokenExpiredError' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    return user;
  }
}
