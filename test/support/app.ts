import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.setup';
import { loadConfig } from '../../src/config/config';
import { EMBEDDED_POOL_SIZE } from '../../src/database/embedded';
import { createTestDatabase, TestDatabase } from './database';
import { Mailbox, tokenFrom } from './smtp';

export const TEST_JWT_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';

export interface TestContext {
  app: NestFastifyApplication;
  http: TestAgent;
  mailbox: Mailbox;
  db: TestDatabase;
  dataDir: string;
  close(): Promise<void>;
}

/** The real application over real HTTP, with a fresh database (real migrations) and a real SMTP server. */
export async function startTestApp(
  env: Record<string, string> = {},
  extraImports: ModuleMetadata['imports'] = [],
  /** Another instance's database: shared, not dropped on close. */
  shared?: TestDatabase,
): Promise<TestContext> {
  const mailbox = await new Mailbox().start();
  const dataDir = await mkdtemp(join(tmpdir(), 'medisync-data-'));
  let db: TestDatabase | undefined;
  let app: NestFastifyApplication | undefined;
  const close = async () => {
    await app?.close();
    if (!shared) await db?.drop();
    await mailbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      SMTP_URL: mailbox.url,
      APP_URL: 'http://medisync.test',
      DATA_DIR: dataDir,
      // the embedded database gets one connection, as in main.ts
      DB_POOL_SIZE: process.env.TEST_DATABASE_URL ? '10' : String(EMBEDDED_POOL_SIZE),
      // the suites change accounts with SQL behind the server's back; the cache has its own tests
      ACCESS_CACHE_TTL_MS: '0',
      // the suites register and log in many times from one address; the limits have their own suite
      RATE_LIMIT_DEFAULT: '100000/1m',
      RATE_LIMIT_LOGIN: '100000/1m',
      RATE_LIMIT_REGISTER: '100000/1m',
      RATE_LIMIT_VERIFICATION_RESEND: '100000/1m',
      RATE_LIMIT_PASSWORD_FORGOT: '100000/1m',
      ...env,
    });
    db = shared ?? (await createTestDatabase());
    app = await createApp(config, db.url, extraImports);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, http: request(app.getHttpServer()), mailbox, db, dataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

let counter = 0;
export const uniqueEmail = (prefix = 'doctor') => `${prefix}.${Date.now().toString(36)}.${++counter}@example.org`;
export const PASSWORD = 'Str0ng-Passw0rd';

export function registration(email: string, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Dr.',
    firstName: 'Jane',
    lastName: 'Doe',
    email,
    password: PASSWORD,
    specialty: 'Cardiology',
    ehr_system_type: 'cloud',
    ehr_system_name: 'OpenEMR',
    ...overrides,
  };
}

/** Registers, verifies through the emailed link and logs in; returns the token and uid. */
export async function verifiedDoctor(ctx: TestContext, email = uniqueEmail()): Promise<{ email: string; uid: string; token: string }> {
  const reg = await ctx.http.post('/api/register').send(registration(email)).expect(201);
  const mail = await ctx.mailbox.waitFor(email);
  await ctx.http
    .post('/api/verification/verify')
    .send({ token: tokenFrom(mail) })
    .expect(200);
  const login = await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(200);
  return { email, uid: reg.body.uid as string, token: login.body.token as string };
}

/** Every error body has exactly the contract's envelope. */
export function expectEnvelope(body: Record<string, unknown>, status: number, code: string, message?: string): void {
  const keys = Object.keys(body).sort();
  const expected = ['code', 'error', 'requestId', 'statusCode', 'success'];
  if (code === 'VALIDATION_ERROR') expected.push('details');
  // the contract adds the mfaToken to these two at login (and only there)
  if ((code === 'MFA_REQUIRED' || code === 'MFA_ENROLLMENT_REQUIRED') && 'mfaToken' in body) expected.push('mfaToken');
  expect(keys).toEqual(expected.sort());
  expect(body).toMatchObject({ success: false, statusCode: status, code });
  if (message !== undefined) expect(body.error).toBe(message);
  expect(typeof body.requestId).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+|QueryFailedError|SELECT |INSERT /);
}
