import { DynamicModule, ForwardReference, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, Reflector } from '@nestjs/core';
import { ownsOf } from '../access/owns';
import { exemptRoles } from '../subscriptions/plans';
import { subscriptionOf } from '../subscriptions/subscription.guard';
import { rolesOf } from '../users/roles.guard';
import { AUTH_KEY, AuthRule, isAdminOnly } from './decorators';
import { authRuleOf } from './guards';

export interface RouteAccess {
  route: string;
  /** Who may call it, in words, read the way the guards read it: "public", or roles, verification, MFA, subscription and ownership. */
  access: string;
  declared: boolean;
}

const join = (...parts: string[]) =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;

/** The whole rule of a route, in words, from the same readers the guards use. */
export function describeAccess(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): string {
  const auth = authRuleOf(reflector, targets);
  if (auth.public) return 'public';
  if (auth.metricsToken) return 'METRICS_TOKEN as bearer when set; else public, and 404 in production';
  const roles = rolesOf(reflector, targets);
  const feature = subscriptionOf(reflector, targets);
  const owns = ownsOf(reflector, targets);
  return [
    roles.length ? `roles: ${roles.includes('admin') ? 'admin' : `${roles.join('|')} (+admin)`}` : 'any authenticated role',
    auth.verified ? 'verified email' : 'unverified allowed',
    auth.mfa ? 'second factor (MFA)' : isAdminOnly(roles) ? 'second factor (MFA) when MFA_REQUIRED_ROLES includes admin' : null,
    auth.mfaEnrolment ? 'or the MFA enrolment token' : null,
    feature ? `active subscription with ${feature} (${['admin', ...exemptRoles(feature)].join(', ')} exempt)` : null,
    owns
      ? `owns the ${owns.resource} in ${owns.in ?? 'path'} ${owns.param}${owns.orPatient ? ' (or is its patient)' : ''} (admin passes)`
      : null,
  ]
    .filter(Boolean)
    .join(', ');
}

type ModuleRef = Type | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined;

/**
 * Every controller reachable from a module, read from the module metadata alone: nothing is
 * instantiated, so no database or server is needed to check the application's routes.
 */
export function controllersOf(root: ModuleRef): Type[] {
  const seen = new Set<unknown>();
  const controllers = new Set<Type>();
  const visit = (ref: ModuleRef) => {
    if (!ref || ref instanceof Promise) return;
    const mod = 'forwardRef' in ref ? (ref.forwardRef as () => ModuleRef)() : ref;
    if (!mod || mod instanceof Promise || seen.has(mod)) return;
    seen.add(mod);
    const type = 'module' in mod ? mod.module : (mod as Type);
    const dynamic = 'module' in mod ? mod : undefined;
    for (const c of [...((Reflect.getMetadata('controllers', type) as Type[] | undefined) ?? []), ...(dynamic?.controllers ?? [])])
      controllers.add(c);
    for (const i of [
      ...((Reflect.getMetadata('imports', type) as ModuleRef[] | undefined) ?? []),
      ...((dynamic?.imports as ModuleRef[]) ?? []),
    ])
      visit(i);
  };
  visit(root);
  return [...controllers];
}

/** Whether a route escapes the global prefix: named exactly, or under an entry ending in `/{*path}`. */
function excluded(exclude: string[], route: string): boolean {
  return exclude.some((entry) => (entry.endsWith('/{*path}') ? route.startsWith(entry.slice(0, -'{*path}'.length)) : entry === route));
}

/** One HTTP route of a controller: where it is, and the handler and class its declarations are read from. */
export interface Route {
  method: string;
  /** The full path as Nest routes it, with the global prefix and `:param` placeholders. */
  path: string;
  metatype: Type;
  handlerName: string;
  targets: [(...args: unknown[]) => unknown, Type];
  /** Whether the route declares its access (`@Auth`, `@Public`, ...); an undeclared route is admin only. */
  declared: boolean;
}

/** Every HTTP route of these controllers. */
export function listRoutes(controllers: Type[], globalPrefix?: { prefix: string; exclude: string[] }): Route[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const rows: Route[] = [];
  for (const metatype of controllers) {
    const prefixes = ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined) ?? '/');
    const proto = metatype.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name] as (...args: unknown[]) => unknown;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const targets: [typeof handler, Type] = [handler, metatype];
      const declared = reflector.getAllAndOverride<AuthRule | undefined>(AUTH_KEY, targets) !== undefined;
      for (const prefix of prefixes) {
        for (const path of ([] as string[]).concat(paths)) {
          const route = join(prefix, path);
          const global = globalPrefix && !excluded(globalPrefix.exclude, route.slice(1)) ? globalPrefix.prefix : '';
          rows.push({ method, path: join(global, route), metatype, handlerName: name, targets, declared });
        }
      }
    }
  }
  return rows;
}

/** Every HTTP route of these controllers with its access declaration, read the way the guards read it. */
export function listRouteAccess(controllers: Type[], globalPrefix?: { prefix: string; exclude: string[] }): RouteAccess[] {
  const reflector = new Reflector();
  return listRoutes(controllers, globalPrefix)
    .map((r) => ({
      route: `${r.method} ${r.path}`,
      access: r.declared ? describeAccess(reflector, r.targets) : 'UNDECLARED',
      declared: r.declared,
    }))
    .sort((a, b) => a.route.localeCompare(b.route));
}
