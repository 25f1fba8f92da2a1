#!/usr/bin/env node
// `npm start`: compile with `nest build` (tsc and the Swagger plugin, as CI builds) only when a source
// is newer than the last build, then run the server with Node's on-disk compile cache, so that a
// second start neither recompiles TypeScript nor re-parses every dependency. On the very first start
// (no DATABASE_URL, no embedded database yet) the embedded database is created while tsc compiles.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'migrations', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'];

/** The newest modification time under `path` (a file or a folder). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((max, entry) => Math.max(max, newest(join(path, entry))), stats.mtimeMs);
}

/** Creates the embedded database's files (initdb) if the server will use one and they are missing. */
async function createEmbeddedDatabase() {
  // the server's own rule (src/config/dotenv.ts): the environment wins, .env fills what is unset
  const file = join(root, '.env');
  const env = { ...(existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {}), ...process.env };
  if (env.DATABASE_URL) return;
  const dir = resolve(root, env.DATA_DIR || 'data', 'pgdata');
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  await db.close();
}

const built = existsSync(stamp) && existsSync(join(root, 'dist', 'src', 'main.js')) ? statSync(stamp).mtimeMs : 0;
if (inputs.some((input) => newest(join(root, input)) > built)) {
  const started = Date.now();
  const nest = spawn(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  const compiled = new Promise((done) => nest.on('exit', (code) => done(code ?? 1)));
  // a failure here is the server's to report, with its own message, when it starts the database
  await createEmbeddedDatabase().catch(() => undefined);
  const status = await compiled;
  if (status !== 0) process.exit(status);
  writeFileSync(stamp, '');
  console.error(`nest build: ${Date.now() - started} ms`);
}

const server = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { NODE_COMPILE_CACHE: join(root, 'node_modules', '.cache', 'node-compile-cache'), ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
