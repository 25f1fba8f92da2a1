import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { PASSWORD, registration } from './support/app';

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');

/**
 * The built server as a newcomer runs it (`npm start`): no DATABASE_URL (embedded PGlite), no
 * SMTP_URL (mail to the log and the outbox). Built by `pretest` (nest build, with the Swagger plugin).
 */
describe('the built server on its zero-setup defaults', () => {
  let dir: string;
  let child: ChildProcess;
  let log = '';
  let base = '';

  beforeAll(async () => {
    expect(existsSync(MAIN)).toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'medisync-server-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      NO_COLOR: '1',
    };
    // started in the data folder, so a developer's own .env in the repository is not read
    child = spawn(process.execPath, [MAIN], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    for (let i = 0; i < 300 && !base; i++) {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(log);
      if (m) base = m[1];
      else await new Promise((r) => setTimeout(r, 100));
    }
    if (!base) throw new Error(`server did not start:\n${log}`);
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('is ready on the embedded database', async () => {
    await request(base).get('/health/ready').expect(200);
    expect(log).toMatch(/embedded PostgreSQL \(PGlite\) ready/);
  });

  it('serves an OpenAPI document whose schemas come from the DTOs (Swagger CLI plugin)', async () => {
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
    let link: string | undefined;
    for (let i = 0; i < 50 && !link; i++) {
      link = /(http:\/\/localhost:\d+\/api\/verification\/verify\?token=[A-Za-z0-9_-]+)/.exec(log)?.[1];
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    expect(link).toBeDefined();
    const url = new URL(link!);
    await request(base).get(`${url.pathname}${url.search}`).expect(200);
    const login = await request(base).post('/api/login').send({ email, password: PASSWORD }).expect(200);
    expect(login.body.role).toBe('doctor');
    await request(base).post('/api/register').send(registration(email)).expect(409);
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(login.body.token);
    expect(log).not.toContain('$argon2');
  });

  it('logs JSON: one line per request with method, route template, status, duration, request id and user id', async () => {
    const login = await request(base).post('/api/login').send({ email: 'newcomer@example.org', password: PASSWORD }).expect(200);
    await request(base)
      .get('/api/users/me')
      .set('Authorization', `Bearer ${login.body.token}`)
      .set('X-Request-Id', 'log-line-1')
      .expect(200);
    await request(base).get('/api/verification/verify?token=secret-looking-token-value').expect(410);
    await new Promise((r) => setTimeout(r, 300));
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
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
