import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import pino from 'pino';
import { AppModule } from '../src/app.module';
import { GLOBAL_PREFIX } from '../src/app.setup';
import { controllersOf, listRouteAccess } from '../src/auth/route-access';
import { ERRORS } from '../src/common/errors';
import { UuidParam } from '../src/common/uuid-param';
import { loadConfig } from '../src/config/config';
import { expectEnvelope, startTestApp, TEST_JWT_SECRET, TestContext, verifiedDoctor } from './support/app';

/** A route that forgot its declaration: the guard chain enforces it as admin-only, and so must the document. */
@Controller('forgotten')
class ForgottenController {
  @Get(':id')
  read(@UuidParam('id') id: string) {
    return { success: true, id };
  }

  @Post()
  @HttpCode(200)
  write(@Body() body: unknown) {
    return { success: true, body };
  }
}
@Module({ controllers: [ForgottenController] })
class ForgottenModule {}

const APP_URL = 'https://medisync.example.org';
/** The contract: the probes are the only routes that are not rate limited. */
const NOT_RATE_LIMITED = ['GET /health/live', 'GET /health/ready'];
const ENVELOPE = '#/components/schemas/ErrorResponseDto';
const INTEGER_FIELDS = ['page', 'limit', 'total', 'statusCode', 'count'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type Operations = Array<{ key: string; path: string; method: string; op: Json }>;
const operationsOf = (doc: Json): Operations =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op: op as Json })),
  );

/** Formats: path ids are uuid; page, limit, total, statusCode and counts are integers; from/to are date-times. */
function checkFormats(doc: Json, operations: Operations): void {
  for (const { key, op } of operations) {
    for (const param of op.parameters ?? []) {
      if (param.in === 'path') expect([key, param.name, param.schema.format]).toEqual([key, param.name, 'uuid']);
      if (INTEGER_FIELDS.includes(param.name)) expect([key, param.name, param.schema.type]).toEqual([key, param.name, 'integer']);
      if (['from', 'to'].includes(param.name)) expect([key, param.name, param.schema.format]).toEqual([key, param.name, 'date-time']);
    }
  }
  const seen = new Set<string>();
  for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) {
    for (const [prop, def] of Object.entries<Json>(schema.properties ?? {})) {
      if (!INTEGER_FIELDS.includes(prop)) continue;
      seen.add(prop);
      expect([name, prop, def.type]).toEqual([name, prop, 'integer']);
    }
  }
  expect([...seen].sort()).toEqual(expect.arrayContaining(['limit', 'page', 'statusCode', 'total']));
}

/** Every parameter and every success response has a description; every response has an example, with no secret in it. */
function checkDescriptionsAndExamples(doc: Json, operations: Operations): void {
  for (const { key, op } of operations) {
    for (const param of op.parameters ?? []) expect([key, param.name, typeof param.description]).toEqual([key, param.name, 'string']);
    for (const [status, response] of Object.entries<Json>(op.responses)) {
      expect([key, status, response.description.length > 0]).toEqual([key, status, true]);
      const media = response.content?.['application/json'];
      if (media) expect([key, status, media.example !== undefined || media.examples !== undefined]).toEqual([key, status, true]);
    }
  }
  const text = JSON.stringify(doc);
  expect(text).not.toContain(TEST_JWT_SECRET);
  // no real-looking JWT (a header and a payload) anywhere; examples show `<payload>.<signature>` or a placeholder
  expect(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/.test(text)).toBe(false);
  const login = operations.find((o) => o.op.operationId === 'login')!.op;
  expect(login.responses['200'].content['application/json'].example.token).toMatch(/PLACEHOLDER/);
}

describe('the OpenAPI document lists what the server really answers (issue 12)', () => {
  let ctx: TestContext;
  let doc: Json;
  let operations: Operations;

  beforeAll(async () => {
    ctx = await startTestApp({ DEMO_MODE: 'true', APP_URL }, [ForgottenModule]);
    doc = (await ctx.http.get('/docs-json').expect(200)).body;
    operations = operationsOf(doc);
  });
  afterAll(async () => {
    await ctx.close();
  });

  // FHIR's errors are OperationOutcomes in application/fhir+json (documented by its own decorators), not the envelope
  const isFhir = (key: string) => key.includes(' /fhir/');
  const OPERATION_OUTCOME = '#/components/schemas/OperationOutcomeDto';
  const errorSchemaRefs = (response: Json): string[] => {
    const schema = response.content?.['application/json']?.schema ?? response.content?.['application/fhir+json']?.schema ?? {};
    return [schema.$ref, ...((schema.allOf ?? []) as Json[]).map((s) => s.$ref)].filter(Boolean);
  };

  it('servers is APP_URL and the version is the package’s; a versioning policy is stated', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(doc.servers).toEqual([expect.objectContaining({ url: APP_URL })]);
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.info.description).toContain('**Versioning.**');
  });

  it('every operation: 500 and 503 (and 429 where rate limited) in the envelope, with their codes and headers', () => {
    expect(operations.length).toBeGreaterThan(35);
    for (const { key, op } of operations) {
      const statuses = [500, 503, ...(NOT_RATE_LIMITED.includes(key) ? [] : [429])];
      for (const status of statuses) {
        const response = op.responses[String(status)];
        const expected = isFhir(key) ? OPERATION_OUTCOME : ENVELOPE;
        expect([key, status, response ? errorSchemaRefs(response) : 'missing']).toEqual([key, status, [expected]]);
      }
      if (!NOT_RATE_LIMITED.includes(key)) {
        const tooMany = op.responses['429'];
        expect([key, Object.keys(tooMany.headers).sort()]).toEqual([
          key,
          ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id'],
        ]);
      }
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        expect([key, status, response.headers?.['X-Request-Id']]).toEqual([key, status, { $ref: '#/components/headers/X-Request-Id' }]);
        if (Number(status) < 400) continue;
        if (isFhir(key)) {
          expect([key, status, errorSchemaRefs(response)]).toEqual([key, status, [OPERATION_OUTCOME]]);
          continue;
        }
        // every error response: the envelope, and the codes it can carry, machine-readable and consistent
        expect([key, status, errorSchemaRefs(response)]).toEqual([key, status, [ENVELOPE]]);
        const codes = response['x-error-codes'] as string[];
        expect([key, status, codes.length > 0]).toEqual([key, status, true]);
        for (const code of codes) expect([key, code, ERRORS[code as keyof typeof ERRORS]?.status]).toEqual([key, code, Number(status)]);
        const schema = response.content['application/json'].schema;
        expect(schema.allOf[1].properties.code.enum).toEqual(codes);
        expect(Object.keys(response.content['application/json'].examples)).toEqual(codes);
      }
    }
  });

  it('413 and 415 on every route that takes a body; 400 wherever there is a body, a parameter or a query', () => {
    for (const { key, op } of operations) {
      if (op.requestBody) {
        expect([key, op.responses['413']?.['x-error-codes']]).toEqual([key, ['PAYLOAD_TOO_LARGE']]);
        expect([key, op.responses['415']?.['x-error-codes']]).toEqual([key, ['UNSUPPORTED_MEDIA_TYPE']]);
      }
      if (isFhir(key)) expect([key, errorSchemaRefs(op.responses['400'] ?? {})]).toEqual([key, [OPERATION_OUTCOME]]);
      else if (op.requestBody || op.parameters?.length)
        expect([key, op.responses['400']?.['x-error-codes']]).toEqual([key, expect.arrayContaining(['VALIDATION_ERROR'])]);
    }
  });

  it('a method’s own errors merge with those its access rule implies', () => {
    const op = (id: string) => operations.find((o) => o.op.operationId === id)!.op;
    for (const id of ['getPatient', 'updatePatient', 'deletePatient', 'invitePatient']) {
      // CSRF_INVALID: on the unsafe methods (a cookie session without its X-CSRF-Token)
      const csrf = id === 'getPatient' ? [] : ['CSRF_INVALID'];
      expect([id, op(id).responses['403']['x-error-codes']]).toEqual([id, ['EMAIL_NOT_VERIFIED', 'ROLE_REQUIRED', 'NOT_OWNER', ...csrf]]);
      expect([id, op(id).responses['404']['x-error-codes']]).toEqual([id, ['NOT_FOUND']]);
    }
    for (const id of ['draftClinicalNote', 'predictDiagnosis']) {
      expect(op(id)['x-access'].subscription).toBe('ai');
      expect(op(id).responses['403']['x-error-codes']).toEqual([
        'EMAIL_NOT_VERIFIED',
        'ROLE_REQUIRED',
        'SUBSCRIPTION_REQUIRED',
        'NOT_OWNER',
        'CSRF_INVALID',
      ]);
      expect(op(id).responses['403'].description).toContain('SUBSCRIPTION_REQUIRED');
      expect(op(id).responses['502']['x-error-codes']).toEqual(['UPSTREAM_ERROR']);
    }
    expect(op('getMe').responses['401']['x-error-codes']).toEqual([
      'AUTH_HEADER_MISSING',
      'AUTH_HEADER_INVALID',
      'TOKEN_INVALID',
      'TOKEN_EXPIRED',
      'TOKEN_REVOKED',
    ]);
    // the strictly limited routes keep their own words, and the login's lockout code
    expect(op('login').responses['429']['x-error-codes']).toEqual(['RATE_LIMITED', 'ACCOUNT_LOCKED']);
    expect(op('login').responses['429'].description).toMatch(/RATE_LIMIT_LOGIN.*LOGIN_LOCKOUT/s);
    expect(op('register').responses['429'].description).toContain('RATE_LIMIT_REGISTER');
    expect(op('invitePatient').responses['429'].description).toMatch(/daily quota of invitations/);
    expect(op('setUserSubscription').tags).toEqual(['admin']);
  });

  it('x-access.roles is always an array, and no operation is documented as public that the guard chain protects', async () => {
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DEMO_MODE: 'true' });
    const root = AppModule.forRoot(config, 'postgres://unused', pino({ enabled: false }), [ForgottenModule]);
    const routes = listRouteAccess(controllersOf(root), GLOBAL_PREFIX);
    expect(routes.filter((r) => !r.declared).map((r) => r.route)).toEqual(['GET /api/forgotten/:id', 'POST /api/forgotten']);
    let compared = 0;
    for (const { route, access } of routes) {
      const [method, path] = route.split(' ');
      const op = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      if (!op) continue; // not documented (metrics)
      compared++;
      expect([route, Array.isArray(op['x-access']?.roles)]).toEqual([route, true]);
      const isPublic = access === 'public';
      expect([route, op['x-access'].public, op.security ?? null]).toEqual([route, isPublic, isPublic ? null : [{ bearer: [] }]]);
      if (!isPublic && route.includes(' /fhir/'))
        expect([route, errorSchemaRefs(op.responses['401'] ?? {})]).toEqual([route, [OPERATION_OUTCOME]]);
      else if (!isPublic)
        expect([route, op.responses['401']?.['x-error-codes']]).toEqual([route, expect.arrayContaining(['AUTH_HEADER_MISSING'])]);
    }
    expect(compared).toBeGreaterThan(35);
    // the undeclared route is documented as the admin-only route it is, and answers so
    const forgotten = doc.paths['/api/forgotten/{id}'].get;
    expect(forgotten['x-access']).toMatchObject({ public: false, roles: ['admin'], verifiedEmail: true, undeclared: true });
    // an admin-only route asks for the second factor when MFA_REQUIRED_ROLES includes admin
    expect(forgotten.responses['403']['x-error-codes']).toEqual(['EMAIL_NOT_VERIFIED', 'ROLE_REQUIRED', 'MFA_REQUIRED']);
    const id = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    expectEnvelope((await ctx.http.get(`/api/forgotten/${id}`).expect(401)).body, 401, 'AUTH_HEADER_MISSING');
    const doctor = await verifiedDoctor(ctx);
    const denied = await ctx.http.get(`/api/forgotten/${id}`).set('Authorization', `Bearer ${doctor.token}`).expect(403);
    expectEnvelope(denied.body, 403, 'ROLE_REQUIRED');
  });
});

/**
 * The document of the build (`nest build`, with the Swagger plugin's metadata from src/metadata.ts: the
 * DTOs' types and doc comments; `npm test` builds it first), as `npm run openapi:export` writes it.
 */
describe('the built OpenAPI document (npm run openapi:export)', () => {
  let doc: Json;
  let dir: string;
  beforeAll(async () => {
    const exporter = join(__dirname, '..', 'dist', 'src', 'openapi-export.js');
    expect(existsSync(exporter)).toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'medisync-openapi-test-'));
    const file = join(dir, 'openapi.json');
    await promisify(execFile)(process.execPath, [exporter, file], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, APP_URL },
    });
    doc = JSON.parse(await readFile(file, 'utf8')) as Json;
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('servers is APP_URL', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: APP_URL })]);
  });

  it('formats: path ids are uuid; page, limit, total, statusCode and counts are integers; from/to are date-times', () => {
    checkFormats(doc, operationsOf(doc));
  });

  it('every parameter and every success response has a description; every response has an example, with no secret in it', () => {
    checkDescriptionsAndExamples(doc, operationsOf(doc));
  });
});
