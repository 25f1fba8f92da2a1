import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { Logger } from '@nestjs/common';

/**
 * Fills the environment from `.env` in `dir` (the working directory), if that file exists, for the
 * server and the TypeORM CLI. A name already set in the environment keeps its value, even an empty
 * one; the file only fills names that are unset. Nothing is read when NODE_ENV=test. Logs the file
 * and the names, never a value. Returns the names it set.
 *
 * The file is parsed by Node's own .env parser (`util.parseEnv`, the one behind
 * `process.loadEnvFile`) and assigned through `env`, so the rule above holds on every Node version
 * and whatever `env` is (the spec passes Jest's `process.env`, which `process.loadEnvFile` bypasses).
 */
export function loadDotEnv(dir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.NODE_ENV === 'test') return [];
  const file = join(dir, '.env');
  if (!existsSync(file)) return [];
  const set: string[] = [];
  const kept: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (value === undefined) continue;
    if (env[name] !== undefined) {
      kept.push(name);
    } else {
      env[name] = value;
      set.push(name);
    }
  }
  const names = (list: string[]) => (list.length > 0 ? list.join(', ') : 'none');
  new Logger('Config').log(`Loaded ${file}: set ${names(set)}; already set in the environment, kept: ${names(kept)}`);
  return set;
}
