import { createHash, timingSafeEqual } from 'node:crypto';
import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { rolesOf } from '../users/roles.guard';
import { acceptSessionCookie } from './cookie-auth';
import { AUTH_KEY, AuthRule, isAdminOnly, UNDECLARED_AUTH } from './decorators';
import { Principal, principalOf } from './principal';
import { SecondFactorPort } from './second-factor';

export function authRuleOf(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): AuthRule {
  return reflector.getAllAndOverride<AuthRule | undefined>(AUTH_KEY, targets) ?? UNDECLARED_AUTH;
}

/** `Bearer <token>`, the token captured (JwtStrategy reads it with the same pattern). */
export const BEARER = /^Bearer +([^\s]+)$/i;

/** Constant time whatever the lengths or characters: compares fixed-size digests. */
const same = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * The guard chain's authentication step (after the rate limit): deny by default, `@Public()` opts
 * out. The header is checked here so that its absence and a wrong scheme get their own codes;
 * passport and JwtStrategy do the rest (KeysService: key, algorithm, signature, claims; then the
 * account's live state). Then the verified-email rule, the other half of what the Auth module
 * decides. Roles, subscription and ownership follow, each its own module's guard.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secondFactor: SecondFactorPort,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = authRuleOf(this.reflector, [context.getHandler(), context.getClass()]);
    if (rule.public) return true;
    // METRICS_PORT: the metrics are served on that port only (observability/metrics-server.ts)
    if (rule.metricsToken && this.config.metricsPort !== undefined) throw new AppException('NOT_FOUND', 'Route not found');
    if (rule.metricsToken && !this.config.metricsToken) {
      // contract, Operations (v2): in production /metrics is never public on the API port
      if (this.config.env === 'production') throw new AppException('NOT_FOUND', 'Route not found');
      return true;
    }
    const request = context.switchToHttp().getRequest<{ method: string; headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      // no header: the session cookie, when AUTH_COOKIES allows it (its CSRF rule is checked there)
      if (rule.metricsToken || !acceptSessionCookie(request, this.config)) throw new AppException('AUTH_HEADER_MISSING');
    } else if (typeof header !== 'string' || !BEARER.test(header)) throw new AppException('AUTH_HEADER_INVALID');
    if (rule.metricsToken) {
      if (!same(String(header).replace(/^Bearer +/i, ''), this.config.metricsToken!)) throw new AppException('TOKEN_INVALID');
      return true;
    }
    // (a cookie session has no header: its token is a JWT)
    const bearer = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    // an enrolment mfaToken is opaque (no dots); every access token is a JWT (with dots)
    if (rule.mfaEnrolment && bearer !== undefined && !bearer.includes('.')) {
      const principal = await this.secondFactor.get().enrolmentPrincipal(bearer);
      if (!principal) throw new AppException('TOKEN_INVALID');
      context.switchToHttp().getRequest<{ user?: Principal }>().user = principal;
      return true;
    }
    await (super.canActivate(context) as Promise<boolean>);
    const principal = principalOf(context);
    if (rule.verified && !principal?.emailVerified) throw new AppException('EMAIL_NOT_VERIFIED');
    if (principal && !principal.amr.includes('otp') && this.needsSecondFactor(rule, context, principal)) {
      throw new AppException('MFA_REQUIRED');
    }
    return true;
  }

  /**
   * Step-up: the route says `mfa: true`, or it is admin-only and MFA_REQUIRED_ROLES includes admin
   * (only an admin passes such a route, so only an admin's token is asked; others get ROLE_REQUIRED next).
   */
  private needsSecondFactor(rule: AuthRule, context: ExecutionContext, principal: Principal): boolean {
    if (rule.mfa) return true;
    if (principal.role !== 'admin' || !this.config.mfa.requiredRoles.includes('admin')) return false;
    return isAdminOnly(rolesOf(this.reflector, [context.getHandler(), context.getClass()]));
  }

  /** JwtStrategy reports its failures as AppExceptions (TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED). */
  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof Error) throw err;
    if (!user)
      throw new AppException((info as { name?: string } | undefined)?.name === 'TokenExpiredError' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    return user;
  }
}
