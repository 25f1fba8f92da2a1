import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '../common/errors';
import { Role } from '../users/user.entity';
import { Auth, Principal, Public } from './decorators';
import { AccessGuard, JwtAuthGuard } from './guards';

function contextFor(
  decorator: MethodDecorator | undefined,
  user?: Partial<Principal>,
  headers: Record<string, string> = {},
): ExecutionContext {
  class Target {
    handler() {}
  }
  if (decorator) decorator(Target.prototype, 'handler', Object.getOwnPropertyDescriptor(Target.prototype, 'handler')!);
  return {
    getHandler: () => Object.getOwnPropertyDescriptor(Target.prototype, 'handler')!.value as () => void,
    getClass: () => Target,
    switchToHttp: () => ({ getRequest: () => ({ user, headers }) }),
  } as unknown as ExecutionContext;
}

const principal = (role: Role, emailVerified = true): Partial<Principal> => ({
  id: 'u',
  role,
  emailVerified,
  tokenId: 'j',
  tokenExpiresAt: 0,
});
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof AppException ? `${e.code}: ${e.message}` : String(e);
  }
  return undefined;
};

describe('AccessGuard', () => {
  const guard = new AccessGuard(new Reflector());

  it('lets public routes through without a user', () => {
    expect(guard.canActivate(contextFor(Public()))).toBe(true);
  });

  it('requires a verified email by default', () => {
    expect(codeOf(() => guard.canActivate(contextFor(Auth(), principal('doctor', false))))).toBe(
      'EMAIL_NOT_VERIFIED: Email verification required',
    );
    expect(guard.canActivate(contextFor(Auth({ verified: false }), principal('doctor', false)))).toBe(true);
  });

  it('names the required role, and admin passes every role check', () => {
    expect(codeOf(() => guard.canActivate(contextFor(Auth({ roles: ['admin'] }), principal('doctor'))))).toBe(
      'ROLE_REQUIRED: Access denied. Required role: admin',
    );
    expect(codeOf(() => guard.canActivate(contextFor(Auth({ roles: ['doctor'] }), principal('patient'))))).toBe(
      'ROLE_REQUIRED: Access denied. Required role: doctor',
    );
    expect(guard.canActivate(contextFor(Auth({ roles: ['doctor'] }), principal('admin')))).toBe(true);
    expect(guard.canActivate(contextFor(Auth({ roles: ['doctor'] }), principal('doctor')))).toBe(true);
  });

  it('denies an undeclared route to everyone but admin', () => {
    expect(codeOf(() => guard.canActivate(contextFor(undefined, principal('doctor'))))).toMatch(/^ROLE_REQUIRED/);
  });
});

describe('JwtAuthGuard header checks', () => {
  const guard = new JwtAuthGuard(new Reflector());
  it('AUTH_HEADER_MISSING and AUTH_HEADER_INVALID before any token is read', () => {
    expect(codeOf(() => guard.canActivate(contextFor(Auth())))).toBe('AUTH_HEADER_MISSING: Authorization header is required');
    expect(codeOf(() => guard.canActivate(contextFor(Auth(), undefined, { authorization: 'Basic abc' })))).toBe(
      'AUTH_HEADER_INVALID: Invalid Authorization header format',
    );
    expect(guard.canActivate(contextFor(Public()))).toBe(true);
  });
  it('maps passport outcomes to the contract codes', () => {
    expect(codeOf(() => guard.handleRequest(null, false, Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' })))).toBe(
      'TOKEN_EXPIRED: Token has expired',
    );
    expect(codeOf(() => guard.handleRequest(null, false, new Error('invalid signature')))).toBe('TOKEN_INVALID: Invalid token');
  });
});
