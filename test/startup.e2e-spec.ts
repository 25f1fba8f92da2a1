import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, symlink, utimes } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { expectEnvelope, registration, startTestApp, TestContext, uniqueEmail } from './support/app';
import { embeddedDataDir } from './support/database';
import { jsonLines, MAIN, spawnServer, SpawnedServer } from './support/server';

const tempDir = () => mkdtemp(join(tmpdir(), 'medisync-startup-'));

/** A TCP port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('start-up and shutdown of the built server: one JSON log format', () => {
  beforeAll(() => {
    expect(existsSync(MAIN)).toBe(true);
  });

  it('an invalid configuration is one JSON line that lists every problem, then exit 1', async () => {
    const dir = await tempDir();
    try {
      const server = spawnServer(dir, { DATA_DIR: dir, PORT: 'eighty', NODE_ENV: 'production', JWT_SECRET: 'short-secret-value' });
      expect(await server.exited).toBe(1);
      const lines = jsonLines(server.output());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'fatal', context: 'Config', service: 'medisync-api' });
      const problems = lines[0].problems as string[];
      expect(problems.some((p) => p.includes('PORT'))).toBe(true);
      expect(problems.some((p) => p.includes('JWT_SECRET'))).toBe(true);
      expect(server.output()).not.toContain('short-secret-value');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('a server on the embedded database, stopped with SIGTERM', () => {
    let server: SpawnedServer;
    let dir = '';
    let base = '';

    beforeAll(async () => {
      dir = await embeddedDataDir('medisync-startup-');
      server = spawnServer(dir, { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', SHUTDOWN_DRAIN_MS: '5000' });
      base = (await server.waitFor(/listening on (http:\/\/[\d.]+:\d+)/))[1];
    });
    afterAll(async () => {
      server?.kill();
      await rm(dir, { recursive: true, force: true });
    });

    it('logs JSON from the first line on: Nest, the embedded database, route mapping at debug, the bound address', async () => {
      await request(base).get('/health/ready').expect(200);
      const lines = jsonLines(server.output());
      expect(lines.every((l) => l.service === 'medisync-api' && typeof l.level === 'string' && typeof l.msg === 'string')).toBe(true);
      expect(lines.find((l) => l.context === 'NestFactory')).toMatchObject({ level: 'info', msg: 'Starting Nest application...' });
      expect(lines.find((l) => l.context === 'EmbeddedDatabase')).toMatchObject({ level: 'info' });
      const routes = lines.filter((l) => l.context === 'RouterExplorer' || l.context === 'RoutesResolver');
      expect(routes.length).toBeGreaterThan(10);
      expect(routes.every((l) => l.level === 'debug')).toBe(true);
      const listening = lines.find((l) => typeof l.msg === 'string' && l.msg.includes('listening on'));
      expect(listening).toMatchObject({ level: 'info', context: 'Main', address: '127.0.0.1', port: Number(new URL(base).port) });
    });

    it('on SIGTERM: not ready at once, still serving during SHUTDOWN_DRAIN_MS, then closed with exit 0', async () => {
      server.child.kill('SIGTERM');
      await server.waitFor(/SIGTERM: not ready/);
      expectEnvelope((await request(base).get('/health/ready').expect(503)).body, 503, 'SERVICE_UNAVAILABLE');
      await request(base).get('/health/live').expect(200);
      await request(base).get('/api/subscriptions/plans').expect(200);
      // a route that needs the database still has it
      await request(base).post('/api/login').send({ email: 'nobody@example.org', password: 'Wrong-Passw0rd' }).expect(401);
      expect(await server.exited).toBe(0);
      const lines = jsonLines(server.output());
      expect(lines[lines.length - 1]).toMatchObject({ context: 'Main', msg: 'SIGTERM: closed' });
    });
  });

  it('with the database unreachable it starts anyway: live, not ready, API routes 503, and it retries with backoff', async () => {
    const dir = await tempDir();
    const server = spawnServer(dir, {
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/medisync`,
    });
    try {
      const base = (await server.waitFor(/listening on (http:\/\/[\d.]+:\d+)/))[1];
      await request(base).get('/health/live').expect(200);
      expectEnvelope((await request(base).get('/health/ready').expect(503)).body, 503, 'SERVICE_UNAVAILABLE');
      const login = await request(base).post('/api/login').send({ email: 'nobody@example.org', password: 'Wrong-Passw0rd' }).expect(503);
      expectEnvelope(login.body, 503, 'SERVICE_UNAVAILABLE');
      expectEnvelope(
        (await request(base).post('/api/register').send(registration(uniqueEmail())).expect(503)).body,
        503,
        'SERVICE_UNAVAILABLE',
      );
      // the second failure comes after the first delay, and announces a longer one
      await server.waitFor(/"attempt":2,"retryInMs":2000/);
      const retries = jsonLines(server.output()).filter((l) => l.context === 'Database');
      expect(retries.slice(0, 2)).toEqual([
        expect.objectContaining({ level: 'warn', attempt: 1, retryInMs: 1000 }),
        expect.objectContaining({ level: 'warn', attempt: 2, retryInMs: 2000 }),
      ]);
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the TypeORM CLI (npm run migration:run)', () => {
  it('writes pino JSON lines too: the SQL without parameters, the migrations, and exits 0', async () => {
    const dir = await embeddedDataDir('medisync-cli-');
    try {
      const root = join(__dirname, '..');
      const run = spawnSync(
        process.execPath,
        [join(root, 'node_modules', 'typeorm', 'cli.js'), 'migration:run', '-d', join(root, 'dist', 'ormconfig.js')],
        {
          cwd: dir,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dir, NO_COLOR: '1' },
          encoding: 'utf8',
          timeout: 55_000,
        },
      );
      expect(run.status).toBe(0);
      const lines = jsonLines(`${run.stdout}${run.stderr}`);
      expect(
        lines.find((l) => l.context === 'TypeORM' && /^Migration \w+ has been executed successfully/.test(String(l.msg))),
      ).toBeDefined();
      expect(lines.find((l) => l.context === 'TypeORM' && l.kind === 'query' && String(l.msg).startsWith('CREATE TABLE'))).toBeDefined();
      expect(lines.every((l) => l.service === 'medisync-api')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a database that appears after the server started', () => {
  let ctx: TestContext;
  let stopDatabase: (() => Promise<void>) | undefined;
  let dir = '';

  afterAll(async () => {
    await ctx?.close();
    await stopDatabase?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is connected and migrated when it does: the server becomes ready and serves, without a restart', async () => {
    const port = await freePort();
    ctx = await startTestApp({}, [], { url: `postgres://postgres@127.0.0.1:${port}/postgres`, drop: () => Promise.resolve() });
    await ctx.http.get('/health/live').expect(200);
    expectEnvelope((await ctx.http.get('/health/ready').expect(503)).body, 503, 'SERVICE_UNAVAILABLE');
    expectEnvelope((await ctx.http.post('/api/register').send(registration(uniqueEmail())).expect(503)).body, 503, 'SERVICE_UNAVAILABLE');

    // PostgreSQL (here PGlite behind its wire-protocol server) comes up on that port
    dir = await embeddedDataDir('medisync-late-db-');
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create(join(dir, 'pgdata'));
    const socket = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 20 });
    await socket.start();
    stopDatabase = async () => {
      await socket.stop();
      await db.close();
    };

    let ready = 0;
    for (let i = 0; i < 600 && ready !== 200; i++) {
      ready = (await ctx.http.get('/health/ready')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
    const email = uniqueEmail('late');
    await ctx.http.post('/api/register').send(registration(email)).expect(201);
    await ctx.mailbox.waitFor(email);
  });
});

/**
 * `npm start` on a fresh clone: scripts/start.mjs compiles with SWC (no type-check, no compiler plugin)
 * while it creates the embedded database, and the server it starts serves the same OpenAPI document as
 * the tsc build: the Swagger plugin's metadata comes from src/metadata.ts in both. Run on a copy of the
 * sources (the script builds into its own dist/, which the other suites' server must keep).
 */
describe('npm start (scripts/start.mjs): an SWC build with the tsc build’s OpenAPI document', () => {
  const root = join(__dirname, '..');
  const env = { PORT: '0', HOST: '127.0.0.1', APP_URL: 'https://medisync.example.org' };
  let clone = '';
  let dataDir = '';
  const servers: SpawnedServer[] = [];

  beforeAll(async () => {
    clone = await mkdtemp(join(tmpdir(), 'medisync-npm-start-'));
    const entries = ['src', 'migrations', 'scripts', 'ormconfig.ts', 'package.json', 'package-lock.json', 'tsconfig.json'];
    for (const entry of [...entries, 'tsconfig.build.json', 'nest-cli.json'])
      await cp(join(root, entry), join(clone, entry), { recursive: true });
    await symlink(join(root, 'node_modules'), join(clone, 'node_modules'));
  });
  afterAll(async () => {
    for (const server of servers) {
      // SIGTERM: start.mjs passes it on to the server it started
      if (server.child.exitCode === null) server.child.kill('SIGTERM');
      await server.exited;
    }
    await rm(clone, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** `npm start` in the copy, until the server listens; its base URL. */
  const start = async () => {
    const server = spawnServer(clone, { ...env, NODE_COMPILE_CACHE: join(clone, '.compile-cache') }, join(clone, 'scripts', 'start.mjs'));
    servers.push(server);
    return { server, base: (await server.waitFor(/listening on (http:\/\/[\d.]+:\d+)/))[1] };
  };
  const stop = async (server: SpawnedServer) => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  };

  it('builds with SWC and creates the database on the first start, rebuilds only after a source changes', async () => {
    dataDir = await embeddedDataDir('medisync-npm-start-tsc-');
    const tsc = spawnServer(dataDir, { ...env, DATA_DIR: dataDir });
    servers.push(tsc);
    const tscBase = (await tsc.waitFor(/listening on (http:\/\/[\d.]+:\d+)/))[1];

    const first = await start();
    expect(first.server.output()).toMatch(/swc: \d+ files in \d+ ms/);
    expect(existsSync(join(clone, 'dist', 'src', 'main.js'))).toBe(true);
    expect(existsSync(join(clone, 'dist', 'migrations', 'index.js'))).toBe(true);
    expect(existsSync(join(clone, 'dist', 'ormconfig.js'))).toBe(true);
    expect(existsSync(join(clone, 'dist', 'src', 'console', 'assets', 'index.html'))).toBe(true);
    expect(existsSync(join(clone, 'data', 'pgdata', 'PG_VERSION'))).toBe(true);
    await request(first.base).get('/health/ready').expect(200);
    const doc = (await request(first.base).get('/docs-json').expect(200)).body;
    // what only the plugin's metadata gives: an undecorated property, doc comments (an inherited
    // property's, a handler's next to its @ApiOperation), a union's type (`string | null`)
    const schemas = doc.components.schemas;
    expect(schemas.InviteResponseDto.properties.message).toEqual({ type: 'string' });
    expect(schemas.ClinicalNoteDto.properties.provider.description).toBe('Which provider made the answer: `rules` (built in) or `openai`.');
    expect(doc.paths['/health/live'].get.description).toMatch(/^The process is up and serving HTTP/);
    expect(schemas.UpdatePatientDto.properties.email.type).toBe('string');
    expect(doc).toEqual((await request(tscBase).get('/docs-json').expect(200)).body);
    await stop(first.server);

    const second = await start();
    expect(second.server.output()).not.toMatch(/swc:/);
    await request(second.base).get('/health/ready').expect(200);
    await stop(second.server);

    const later = new Date(Date.now() + 1000);
    await utimes(join(clone, 'src', 'health', 'health.controller.ts'), later, later);
    const third = await start();
    expect(third.server.output()).toMatch(/swc: \d+ files/);
    await request(third.base).get('/health/ready').expect(200);
    await stop(third.server);
  });
});
