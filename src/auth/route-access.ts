import { INestApplicationContext, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_KEY, AccessRule } from './decorators';

export interface RouteAccess {
  route: string;
  /** Who may call it, in words: "public", or the roles, verification and subscription it needs. */
  access: string;
  declared: boolean;
}

const join = (...parts: string[]) =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;

export function describeRule(rule: AccessRule | undefined): string {
  if (!rule) return 'UNDECLARED';
  if (rule.public) return 'public';
  return [
    rule.roles.length ? `roles: ${rule.roles.includes('admin') ? 'admin' : `${rule.roles.join('|')} (+admin)`}` : 'any authenticated role',
    rule.verified ? 'verified email' : 'unverified allowed',
    rule.subscription ? `active subscription with ${rule.subscription} (admin exempt)` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

/** Every HTTP route of the application with its access declaration, read the way the guards read it. */
export function listRouteAccess(app: INestApplicationContext): RouteAccess[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const rows: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!instance || !metatype) continue;
    const prefixes = ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined) ?? '/');
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name] as (...args: unknown[]) => unknown;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [handler, metatype]);
      for (const prefix of prefixes) {
        for (const path of ([] as string[]).concat(paths)) {
          rows.push({ route: `${method} ${join(prefix, path)}`, access: describeRule(rule), declared: rule !== undefined });
        }
      }
    }
  }
  return rows.sort((a, b) => a.route.localeCompare(b.route));
}
