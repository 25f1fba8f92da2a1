#!/usr/bin/env node
// `npm start`: compile only when a source is newer than the last build, then run the server with Node's
// on-disk compile cache, so that a second start neither recompiles TypeScript nor re-parses every
// dependency. On the very first start (no DATABASE_URL, no embedded database yet) the embedded
// database is created, in a worker thread, while the sources compile.
//
// The compiler here is SWC (@swc/core, the one Jest uses), file by file on its own threads, in about a
// second: it strips the types without checking them. Type errors are CI's to find (`npm run typecheck`,
// and `npm run build` / `npm test`, which compile with tsc, `nest build`); the OpenAPI metadata that
// tsc's plugin once added comes from src/metadata.ts in both builds. The output has tsc's layout
// (dist/src/main.js, dist/migrations, dist/ormconfig.js, the assets nest-cli.json lists, source maps).
// Without the dev dependencies (no @swc/core) it falls back to `nest build`, or says what to do.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { isMainThread, Worker, workerData } from 'node:worker_threads';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
/** What the build depends on: the sources, and how they are compiled. */
const inputs = [
  'src',
  'migrations',
  'ormconfig.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
  'scripts/start.mjs',
];
/** What tsconfig.build.json compiles: its `include` (src, migrations, ormconfig.ts) without `**\/*spec.ts`. */
const compiled = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('spec.ts');

/** Every file under `path` (a file or a folder) with its modification time; folders count too (a deletion). */
function walk(path, into = []) {
  if (!existsSync(path)) return into;
  const stats = statSync(path);
  into.push({ path, mtime: stats.mtimeMs, file: !stats.isDirectory() });
  if (stats.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry), into);
  return into;
}

/** Creates the embedded database's files (initdb) if the server will use one and they are missing. */
function embeddedDatabaseToCreate() {
  // the server's own rule (src/config/dotenv.ts): the environment wins, .env fills what is unset
  const file = join(root, '.env');
  const env = { ...(existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {}), ...process.env };
  if (env.DATABASE_URL) return null;
  const dir = resolve(root, env.DATA_DIR || 'data', 'pgdata');
  return existsSync(join(dir, 'PG_VERSION')) ? null : dir;
}

/** initdb in a worker thread: PGlite computes on the thread it runs on, which would hold up the build's. */
function createEmbeddedDatabase(dir) {
  return new Promise((done) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { dir } });
    // a failure here is the server's to report, with its own message, when it starts the database
    worker.on('error', () => undefined);
    worker.on('exit', () => done());
  });
}

/** SWC's options: Jest's (jest.config.js), with `import()` kept as tsc's CommonJS output keeps it. */
const swcOptions = (source, target) => ({
  filename: source,
  swcrc: false,
  configFile: false,
  sourceMaps: true,
  inlineSourcesContent: false,
  sourceFileName: relative(dirname(target), source),
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  // import() stays a real import (ES-module-only packages, e.g. PGlite in src/database/embedded.ts);
  // the lexer annotation lets such an import of our own CommonJS output see its named exports (src/metadata.ts)
  module: { type: 'commonjs', ignoreDynamic: true, exportInteropAnnotation: true },
});

/** Compiles src, migrations and ormconfig.ts into dist with SWC, and copies nest-cli.json's assets. */
async function buildWithSwc(swc, sources) {
  rmSync(dist, { recursive: true, force: true });
  // every file at once: each transform runs on libuv's thread pool (4 threads), the main thread only waits
  await Promise.all(
    sources.map(async (source) => {
      const target = join(dist, relative(root, source)).replace(/\.ts$/, '.js');
      const { code, map } = await swc.transformFile(source, swcOptions(source, target));
      await mkdir(dirname(target), { recursive: true });
      await Promise.all([
        writeFile(target, `${code}\n//# sourceMappingURL=${basename(target)}.map\n`),
        writeFile(`${target}.map`, map ?? ''),
      ]);
    }),
  );
  const nest = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
  const sourceRoot = nest.sourceRoot ?? 'src';
  for (const asset of nest.compilerOptions?.assets ?? []) {
    const folder = /^(.+)\/\*\*\/\*$/.exec(asset.include ?? '')?.[1];
    if (!folder) throw new Error(`scripts/start.mjs copies assets given as "<folder>/**/*" only, not ${JSON.stringify(asset)}`);
    cpSync(join(root, sourceRoot, folder), join(root, asset.outDir ?? 'dist', sourceRoot, folder), { recursive: true });
  }
}

const nestCli = join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');

/** `nest build` (tsc), when SWC is not installed. */
function buildWithNest() {
  const nest = spawn(process.execPath, [nestCli, 'build'], { cwd: root, stdio: 'inherit' });
  return new Promise((done) => nest.on('exit', (code) => done(code ?? 1)));
}

/** Whether a package can be found (without loading it). */
function installed(name) {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const built = existsSync(stamp) && existsSync(join(dist, 'src', 'main.js')) ? statSync(stamp).mtimeMs : 0;
  const files = inputs.flatMap((input) => walk(join(root, input)));
  const changed = files.filter((f) => f.mtime > built);
  if (changed.length > 0) {
    // the stamp gets the time the build started: a source saved while it runs is newer, and rebuilds
    const started = new Date();
    const metadata = join(root, 'src', 'metadata.ts');
    const metadataTime = existsSync(metadata) ? statSync(metadata).mtimeMs : 0;
    const models = changed.filter((f) => built && f.mtime > metadataTime && /\.(dto|entity|controller)\.ts$/.test(f.path));
    if (models.length > 0)
      console.error(
        `${relative(root, models[0].path)} changed after src/metadata.ts: /docs shows the DTOs and controllers as of the last \`npm run openapi:metadata\``,
      );
    const swc = installed('@swc/core');
    if (!swc && !existsSync(nestCli)) {
      console.error(
        'npm start compiles the TypeScript sources with @swc/core or @nestjs/cli, development dependencies that are not installed:\n' +
          'run `npm install` (with its dev dependencies), or build elsewhere and run the build with `npm run start:prod`.',
      );
      process.exit(1);
    }
    const database = embeddedDatabaseToCreate();
    const creating = database ? createEmbeddedDatabase(database) : Promise.resolve();
    if (swc) {
      const sources = files
        .filter((f) => f.file && compiled(f.path))
        .map((f) => f.path)
        .filter((path) => /^(src|migrations)\/|^ormconfig\.ts$/.test(relative(root, path)));
      try {
        await buildWithSwc(await import('@swc/core'), sources);
      } catch (error) {
        // SWC's message shows the file and the line; its Rust backtrace is noise here
        console.error(
          String(error instanceof Error ? error.message : error)
            .split('\nStack backtrace:')[0]
            .trimEnd(),
        );
        await creating;
        process.exit(1);
      }
      console.error(`swc: ${sources.length} files in ${Date.now() - started.getTime()} ms (no type-check: npm run typecheck)`);
      await creating;
    } else {
      const status = await buildWithNest();
      await creating;
      if (status !== 0) process.exit(status);
      console.error(`nest build: ${Date.now() - started.getTime()} ms`);
    }
    writeFileSync(stamp, '');
    utimesSync(stamp, started, started);
  }

  const server = spawn(process.execPath, [join(dist, 'src', 'main.js')], {
    cwd: root,
    stdio: 'inherit',
    env: { NODE_COMPILE_CACHE: join(root, 'node_modules', '.cache', 'node-compile-cache'), ...process.env },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (isMainThread) {
  await main();
} else {
  const { dir } = workerData;
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  await db.close();
}
