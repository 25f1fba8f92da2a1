import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/**
 * The module rules of design.md, checked from the imports of every source file: a change that crosses
 * a boundary fails here, before review.
 */
const SRC = __dirname;
const CLINICAL = ['patients', 'invitations', 'appointments', 'records', 'ai', 'analytics', 'fhir'];
const IDENTITY = ['auth', 'users', 'verification', 'subscriptions'];
const FEATURES = [
  ...IDENTITY,
  ...CLINICAL,
  'access',
  'abuse',
  'audit',
  'mail',
  'demo',
  'health',
  'observability',
  'sessions',
  'mfa',
  'keys',
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__snapshots__' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** module folder → the module folders it imports from. */
const imports = new Map<string, Set<string>>();
const globals: string[] = [];
for (const file of sources(SRC)) {
  const from = relative(SRC, file).split(sep)[0];
  const text = readFileSync(file, 'utf8');
  if (/@Global\(\)/.test(text)) globals.push(relative(SRC, file));
  for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) {
    const target = relative(SRC, resolve(file, '..', spec)).split(sep)[0];
    if (target === from || target.startsWith('..')) continue;
    if (!imports.has(from)) imports.set(from, new Set());
    imports.get(from)!.add(target);
  }
}
const importsOf = (module: string) => [...(imports.get(module) ?? [])].sort();

describe('module boundaries (design.md)', () => {
  it('only configuration is global', () => {
    expect(globals).toEqual([join('config', 'config.module.ts')]);
  });

  it.each(['common', 'config'])('%s/ imports no feature module', (module) => {
    expect(importsOf(module).filter((m) => FEATURES.includes(m))).toEqual([]);
  });

  it.each(IDENTITY)('identity module %s/ imports nothing clinical', (module) => {
    expect(importsOf(module).filter((m) => CLINICAL.includes(m))).toEqual([]);
  });

  it('mail/ imports neither users nor auth; audit/ imports neither users nor anything clinical', () => {
    expect(importsOf('mail').filter((m) => ['users', 'auth'].includes(m))).toEqual([]);
    expect(importsOf('audit').filter((m) => ['users', ...CLINICAL].includes(m))).toEqual([]);
  });

  it.each(CLINICAL)('clinical module %s/ uses the global guards, not the abuse counters', (module) => {
    expect(importsOf(module)).not.toContain('abuse');
  });

  it('the walk found the modules it checks', () => {
    expect(importsOf('patients')).toContain('access');
    expect(importsOf('auth')).toContain('users');
  });
});
