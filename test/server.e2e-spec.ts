import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { PASSWORD, registration } from './support/app';
import { embeddedDataDir } from './support/database';

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');

interface RunningServer {
  base: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts dist/src/main.js as `npm start` would and waits until it listens. Its DATA_DIR is empty, as a
 * newcomer's is (the server creates its database cluster), unless `dataDir` gives another folder.
 */
async function startServer(dataDir?: string): Promise<RunningServer> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'medisync-server-')));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    NO_COLOR: '1',
  };
  // started in the data folder, so a developer's own .env in the repository is not read
  const child = spawn(process.execPath, [MAIN], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  let base = '';
  // up to 2 minutes: on a loaded machine the first start's initdb alone can take most of one
  for (let i = 0; i < 1200 && !base; i++) {
    const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(log);
    if (m) base = m[1];
    else await new Promise((r) => setTimeout(r, 100));
  }
  if (!base) {
    await stop();
    throw new Error(`server did not start:\n${log}`);
  }
  return { base, child, log: () => log, stop };
}

/**
 * The built server as a newcomer runs it (`npm start`): no DATABASE_URL (embedded PGlite), no
 * SMTP_URL (mail to the log and the outbox). Built by `pretest` (nest build, with the Swagger plugin).
 * The tests share one server and each registers its own account; the SIGTERM test stops a server of its own.
 */
describe('the built server on its zero-setup defaults', () => {
  let server: RunningServer;
  let base = '';

  beforeAll(async () => {
    expect(existsSync(MAIN)).toBe(true);
    server = await startServer();
    base = server.base;
  }, 150_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** The verification link the server logged in the mail to this address (waits up to 5 s for it). */
  const verificationLinkFor = async (email: string): Promise<string | undefined> => {
    for (let i = 0; i < 50; i++) {
      // the mail's line names the address; its links follow, each on a line of its own
      const lines = server.log().split('\n');
      const at = lines.findIndex((l) => l.includes(`mail to ${email} `));
      const link =
        at < 0
          ? undefined
          : lines
              .slice(at, at + 4)
              .map((l) => /(http:\/\/localhost:\d+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(l)?.[1])
              .find(Boolean);
      if (link) return link;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  };

  it('is ready on the embedded database', async () => {
    await request(base).get('/health/ready').expect(200);
    expect(server.log()).toMatch(/embedded PostgreSQL \(PGlite\) ready/);
  });

  it('serves an OpenAPI document whose schemas come from the DTOs (the Swagger plugin metadata, src/metadata.ts)', async () => {
    const doc = (await request(base).get('/docs-json').expect(200)).body;
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.RegisterDto.properties).sort()).toEqual(
      ['email', 'ehr_system_name', 'ehr_system_type', 'firstName', 'lastName', 'password', 'specialty', 'title'].sort(),
    );
    expect(schemas.RegisterDto.required).toEqual(expect.arrayContaining(['firstName', 'lastName', 'email', 'password']));
    expect(Object.keys(schemas.ErrorResponseDto.properties).sort()).toEqual([
      'code',
      'details',
      'error',
      // only with MFA_REQUIRED and MFA_ENROLLMENT_REQUIRED
      'mfaToken',
      'requestId',
      'statusCode',
      'success',
    ]);
    expect(schemas.LoginResponseDto.properties.permissions).toBeDefined();
    expect(schemas.MessageDto.properties.message).toBeDefined();
    for (const [path, item] of Object.entries<Record<string, { operationId?: string; summary?: string }>>(doc.paths)) {
      for (const op of Object.values(item)) {
        expect([path, op.operationId && op.summary ? 'ok' : 'missing']).toEqual([path, 'ok']);
      }
    }
  });

  it('lets a newcomer register, find the verification link in the log, verify and log in', async () => {
    const email = 'newcomer@example.org';
    await request(base).post('/api/register').send(registration(email)).expect(201);
    const link = await verificationLinkFor(email);
    expect(link).toBeDefined();
    const url = new URL(link!);
    // the link opens the page, which confirms nothing by itself; its button posts the token
    expect((await request(base).get(`${url.pathname}${url.search}`).expect(200)).text).toContain('Confirm my email');
    await request(base).post('/api/login').send({ email, password: PASSWORD }).expect(403);
    await request(base)
      .post('/api/verification/verify')
      .send({ token: url.searchParams.get('token') })
      .expect(200);
    const login = await request(base).post('/api/login').send({ email, password: PASSWORD }).expect(200);
    expect(login.body.role).toBe('doctor');
    await request(base).post('/api/register').send(registration(email)).expect(409);
    const log = server.log();
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(login.body.token);
    expect(log).not.toContain('$argon2');
  });

  it('logs JSON: one line per request with method, route template, status, duration, request id and user id', async () => {
    const email = 'logged-in@example.org';
    await request(base).post('/api/register').send(registration(email)).expect(201);
    const link = new URL((await verificationLinkFor(email))!);
    await request(base)
      .post('/api/verification/verify')
      .send({ token: link.searchParams.get('token') })
      .expect(200);
    const login = await request(base).post('/api/login').send({ email, password: PASSWORD }).expect(200);
    await request(base)
      .get('/api/users/me')
      .set('Authorization', `Bearer ${login.body.token}`)
      .set('X-Request-Id', 'log-line-1')
      .expect(200);
    await request(base).get('/api/verification/verify?token=secret-looking-token-value').expect(410);
    await new Promise((r) => setTimeout(r, 300));
    const log = server.log();
    const lines = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.find((l) => l.reqId === 'log-line-1')).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/users/me',
      status: 200,
      userId: login.body.uid,
      service: 'medisync-api',
      durationMs: expect.any(Number),
    });
    expect(lines.find((l) => l.route === '/api/verification/verify' && l.status === 410)).toBeDefined();
    expect(log).not.toContain('secret-looking-token-value');
    expect(log).not.toContain(login.body.token);
  });

  it('stops promptly and cleanly on SIGTERM', async () => {
    // a server of its own, since stopping the shared one would take it away from the other tests;
    // its cluster is a copy of the template, which spares a second initdb (what it stops is the same)
    const own = await startServer(await embeddedDataDir('medisync-server-'));
    try {
      await request(own.base).get('/health/ready').expect(200);
      const exited = new Promise<number | null>((resolve) => own.child.once('exit', (code) => resolve(code)));
      own.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await own.stop();
    }
  });
});
