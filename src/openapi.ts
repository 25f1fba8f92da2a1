/**
 * The OpenAPI document, completed from the same declarations the guard chain enforces.
 *
 * SwaggerModule builds the document from the DTOs and the decorators on each handler; this file then
 * walks every route of the running application and writes, for each operation, what the server really
 * answers: the access rule (`x-access`, bearer security, 401/403/404) read with the guards' own readers,
 * so an undeclared route shows as the admin-only route it is; the rate limit (429, X-RateLimit-*,
 * Retry-After); body, parameter and framework errors (400, 413, 415, 500, 503); the error codes of each
 * response (`x-error-codes` and the envelope's `code` enum); formats, descriptions and examples. A new
 * controller gets all of it without extra code.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INestApplication, ParseUUIDPipe, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { quotaOf } from './abuse/quota';
import { rateLimitOf } from './abuse/rate-limit';
import { ownsOf, OwnsRule } from './access/owns';
import { isAdminOnly } from './auth/decorators';
import { authRuleOf } from './auth/guards';
import { listRoutes, Route } from './auth/route-access';
import { openApiMetadataLoaded } from './openapi-plugin';
import { codeForStatus, ERRORS, ErrorCode } from './common/errors';
import { RateLimitPolicy } from './config/config';
import { exemptRoles } from './subscriptions/plans';
import { subscriptionOf } from './subscriptions/subscription.guard';
import { rolesOf } from './users/roles.guard';
import { ROLES } from './users/user.entity';

type Json = Record<string, unknown>;
type Schema = Json;
interface Operation extends Json {
  summary?: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  parameters?: Array<Json & { name: string; in: string; description?: string; schema?: Schema }>;
  requestBody?: Json;
  responses: Record<string, ResponseObject>;
  security?: Array<Record<string, string[]>>;
}
interface ResponseObject extends Json {
  description: string;
  content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, unknown> }>;
  headers?: Record<string, unknown>;
}

const ENVELOPE_REF = '#/components/schemas/ErrorResponseDto';

/**
 * Paths whose errors are not the JSON envelope, e.g. FHIR's `OperationOutcome` under /fhir: their
 * access rule, security and headers are still written here, their error responses are left to their
 * own decorators. A module with another error format adds its root here.
 */
export const NON_ENVELOPE_PATHS: RegExp[] = [/^\/fhir(\/|$)/];

/** The environment variable behind each rate-limit policy. */
const RATE_LIMIT_SETTING: Record<RateLimitPolicy, string> = {
  default: 'RATE_LIMIT_DEFAULT',
  login: 'RATE_LIMIT_LOGIN',
  register: 'RATE_LIMIT_REGISTER',
  verificationResend: 'RATE_LIMIT_VERIFICATION_RESEND',
  passwordForgot: 'RATE_LIMIT_PASSWORD_FORGOT',
};

const STATUS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'No Content' };

const TAGS: Record<string, string> = {
  auth: 'Registration, login, logout and the demo login',
  verification: 'Email verification links',
  password: 'Forgotten passwords',
  users: 'The caller’s own account',
  subscriptions: 'Plans, the caller’s subscription and the free trial',
  patients: 'A doctor’s patients and their portal invitations',
  appointments: 'Appointments between a doctor and a patient',
  records: 'Medical records',
  ai: 'AI drafting and suggestions (a clinician must review every answer)',
  analytics: 'Practice figures',
  admin: 'User management, subscriptions and the audit trail (admin only)',
  health: 'Liveness and readiness probes',
  keys: 'The public keys and metadata other services verify our tokens with (outside /api)',
  sessions: 'The caller’s sessions: list, end one, sign out everywhere (refresh is under auth)',
  mfa: 'Multi-factor sign-in: TOTP enrolment, recovery codes, turning it off',
  FHIR: 'The clinical data as HL7 FHIR R4 (read-only, outside /api at /fhir/R4): application/fhir+json, errors as OperationOutcome',
};

/** Response headers, declared once and referred to from every response that carries them. */
const HEADERS = {
  'X-Request-Id': {
    description: 'The id of this request (a well-formed incoming `X-Request-Id` is echoed); also the error body’s `requestId`.',
    required: true,
    schema: { type: 'string', example: 'c0ffee00-0000-4000-8000-000000000001' },
  },
  'X-RateLimit-Limit': {
    description:
      'Requests this client IP may make in the current window of the route’s limit (absent when the request was refused before it was counted: 413, 415, malformed JSON).',
    schema: { type: 'integer', minimum: 0, example: 300 },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current window (0 on a 429).',
    schema: { type: 'integer', minimum: 0, example: 299 },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the window resets (on a 429: until requests are accepted again).',
    schema: { type: 'integer', minimum: 0, example: 60 },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'integer', minimum: 0, example: 60 },
  },
};
const headerRef = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

/** The project's version: the `version` of the package.json next to the sources or the build. */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'medisync-api' && pkg.version) return pkg.version;
    } catch {
      /* not here */
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}

export const VERSIONING_POLICY = [
  '**Versioning.** `info.version` is the version of this server and of this contract (semantic versioning, see CHANGELOG.md). A **major** version changes or removes something a client relies on: a path, method, parameter, field, status code, error code, enum value or header it may already use; a new required request field; a stricter validation of input that was accepted; a changed meaning or type. A **minor** version adds: new operations, optional request fields, response fields, error codes on new situations, headers. A **patch** fixes behaviour to match this document. Clients must ignore unknown response fields and treat an unknown `code` by its HTTP status.',
].join('\n');

export interface OpenApiOptions {
  /** The server's public base URL (APP_URL), the document's only `servers` entry. */
  appUrl: string;
  globalPrefix: { prefix: string; exclude: string[] };
}

/**
 * The document (synchronous, as SwaggerModule's lazy document factory is: built on the first request
 * for /docs or /docs-json, not at start-up). `loadOpenApiMetadata()` must have been awaited first.
 */
export function openApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  if (!openApiMetadataLoaded()) throw new Error('openApiDocument: await loadOpenApiMetadata() first (the DTOs would have no properties)');
  const errorTable = Object.entries(ERRORS)
    .map(([code, e]) => `| ${e.status} | \`${code}\` |`)
    .join('\n');
  const config = new DocumentBuilder()
    .setTitle('MediSync API')
    .setVersion(packageVersion())
    .setDescription(
      [
        'Accounts and access control for healthcare software: doctors register and verify their email, log in for a JWT, and reach only their own data; admins run the system.',
        '',
        '**Conventions.** JSON in and out (`Content-Type: application/json`; any other body type is 415). Ids are UUIDs, timestamps ISO-8601 UTC. Emails are trimmed and compared case-insensitively. Unknown body properties are refused (`VALIDATION_ERROR`). Every success body has `"success": true`.',
        '',
        "**Authentication.** Send `Authorization: Bearer <token>` from `POST /api/login` on every operation that shows a lock. Tokens are JWTs signed with HS256 by default, or with EdDSA, ES256 or RS256 as the deployment chooses; the header's `kid` names the signing key (its RFC 7638 thumbprint). Claims: `iss` (the issuer), `aud` (when the deployment sets an audience), `sub`/`userId` (the account id), `role`, `jti`, `iat`, `exp` and `tv` (the account's token version; a password change or reset raises it and so revokes every earlier token). A token in the query string or a cookie is never accepted.",
        '',
        '**Access.** Each operation’s `x-access` extension is the rule the server enforces: `public` (no token read), `roles` (always an array: the roles admitted, admin passes every role check; empty on a public operation), `verifiedEmail`, `subscription` (the feature an active plan must unlock; admin exempt) and `ownership` (the id that must name the caller’s own resource). A route that declares no rule is enforced as admin-only, and documented so.',
        '',
        '**Other services.** With EdDSA, ES256 or RS256, another service verifies our tokens with the public keys at `GET /.well-known/jwks.json`, and finds the issuer and audience to check at `GET /.well-known/medisync-configuration` (both outside `/api`). A signature check alone accepts a revoked token until it expires; to know that a token is still valid, call `GET /api/users/me` with it.',
        '',
        '**Errors.** Every error body is `{success:false, error, code, statusCode, requestId, details?}`; `details` (field, message) comes only with `VALIDATION_ERROR`. Each error response lists the codes it can carry in `x-error-codes` (and as the `code` enum of its schema). Every operation may answer 500 `INTERNAL_ERROR` and 503 `SERVICE_UNAVAILABLE` (a dependency is unreachable; retry after `Retry-After` when sent). Codes:',
        '',
        '| status | code |',
        '|---|---|',
        errorTable,
        '',
        '**Headers.** Every response has an `X-Request-Id` header (a well-formed incoming one is echoed). Every route except the health probes is rate limited per client IP (`RATE_LIMIT_DEFAULT`, stricter on login, registration, resend and forgot-password): its answers carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`, and a 429 also `Retry-After`.',
        '',
        '**Caching.** Every `/api` response, success or error, carries `Cache-Control: no-store` and `Pragma: no-cache`. The public documents outside `/api` (`/docs`, `/docs-json`) may be cached.',
        '',
        '**Input limits.** A JSON body nested deeper than 32 levels, or with more than 1000 properties in all, is refused while parsing: 400 `VALIDATION_ERROR` with a `body` detail. An undecodable path (e.g. `%ff`) or a path parameter over 100 characters is 400 `VALIDATION_ERROR` with a `path` detail; request headers over 16 kB are 431 `HEADERS_TOO_LARGE`. These errors, like every other, are the envelope with a `requestId`, and no error echoes the request back.',
        '',
        '**Email.** Registration returns 201 as soon as the account is stored; the verification email is sent in the background, and if it cannot be delivered the user asks for another with `POST /api/verification/resend`. Resend and forgot-password always answer 202, so they reveal nothing about which emails have accounts. Emailed links carry the token as the `token` query parameter.',
        '',
        VERSIONING_POLICY,
      ].join('\n'),
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A JWT (JWS) from `POST /api/login`, following the JWT best current practices of RFC8725: one algorithm per key, `none` and other algorithms refused, `iss`, `exp` (and `aud` when configured) checked.',
      },
      'bearer',
    )
    .addServer(options.appUrl, 'This deployment (APP_URL): local, staging or production, as configured')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT');
  for (const [name, description] of Object.entries(TAGS)) config.addTag(name, description);
  const built = config.build();
  built.info.contact = { name: 'MediSync API maintainers (see the project README)' };
  const document = SwaggerModule.createDocument(app, built, {
    operationIdFactory: (_controller, method) => method,
  });
  for (const server of document.servers ?? []) Object.assign(server, { 'x-internal': false });
  completeDocument(document, listRoutes(controllersOf(app), options.globalPrefix));
  boundIntegers(document);
  return document;
}

/** The controllers the application registered (so optional modules, e.g. the demo login, count only when present). */
function controllersOf(app: INestApplication): Type[] {
  const controllers = new Set<Type>();
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) if (wrapper.metatype) controllers.add(wrapper.metatype as Type);
  return [...controllers];
}

/** `/api/patients/:id` → `/api/patients/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** One error an operation can answer, and when. */
interface ErrorEntry {
  status: number;
  code: ErrorCode;
  /** Said in the response's description unless an explicit declaration already names the code. */
  note: string;
}

const AUTH_CODES: ErrorCode[] = ['AUTH_HEADER_MISSING', 'AUTH_HEADER_INVALID', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED'];

/** Writes what the server answers into every operation SwaggerModule found (exported for the tests). */
export function completeDocument(document: OpenAPIObject, routes: Route[]): void {
  const reflector = new Reflector();
  const components = (document.components ??= {}) as Json;
  components.headers = { ...(components.headers as Json | undefined), ...HEADERS };

  const schemas = (components.schemas ?? {}) as Record<string, Schema>;
  patchEnvelopeSchema(schemas);
  for (const route of routes) {
    const path = openApiPath(route.path);
    const op = (document.paths[path] as Record<string, Operation> | undefined)?.[route.method.toLowerCase()];
    if (!op) continue; // excluded from the document (ApiExcludeController/Endpoint)
    const envelope = !NON_ENVELOPE_PATHS.some((re) => re.test(path));
    const targets = route.targets;
    const auth = authRuleOf(reflector, targets);
    const roles = rolesOf(reflector, targets);
    const subscription = subscriptionOf(reflector, targets);
    const owns = ownsOf(reflector, targets);
    const quota = quotaOf(reflector, targets);
    const limit = rateLimitOf(reflector, targets);
    const hasBody = op.requestBody !== undefined;
    const secondFactor = auth.public ? null : auth.mfa ? 'required' : isAdminOnly(roles) ? 'when MFA_REQUIRED_ROLES includes admin' : null;
    const unsafe = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method.toUpperCase());
    // every operation has a description: its doc comment, or else its summary
    if (!op.description && op.summary) op.description = op.summary;

    // access: what the guard chain enforces (an undeclared route reads as admin-only, as the guards read it)
    if (auth.public) {
      delete op.security;
      op['x-access'] = { public: true, roles: [], verifiedEmail: false, subscription: null, ownership: null };
    } else {
      op.security = [{ bearer: [] }];
      op['x-access'] = {
        public: false,
        roles: roles.length ? [...roles] : [...ROLES],
        verifiedEmail: auth.verified,
        subscription,
        secondFactor,
        ...(auth.mfaEnrolment ? { acceptsEnrolmentToken: true } : {}),
        ownership: owns ? { resource: owns.resource, param: owns.param, in: owns.in ?? 'path', orPatient: owns.orPatient ?? false } : null,
        ...(route.declared ? {} : { undeclared: true }),
      };
    }
    // the admin routes are one group, whichever module serves them (e.g. PUT /api/admin/users/{id}/subscription)
    if (/^\/[^/]+\/admin\//.test(path)) op.tags = ['admin'];

    // parameters: uuid path ids, and a description on each
    const uuidParams = uuidParamsOf(route);
    for (const param of op.parameters ?? []) {
      if (param.in === 'path' && uuidParams.has(param.name)) {
        param.schema = { ...(param.schema ?? {}), type: 'string', format: 'uuid' };
        param.description ??= `The ${resourceNamed(path, param.name, owns)} id (a UUID; anything else is 400 VALIDATION_ERROR).`;
      }
    }

    if (envelope) {
      const derived: ErrorEntry[] = [];
      // any route: an undecodable path or a malformed JSON body is refused before the handler
      derived.push({
        status: 400,
        code: 'VALIDATION_ERROR',
        note:
          hasBody || (op.parameters ?? []).length > 0
            ? 'VALIDATION_ERROR: the body or a parameter is invalid (see details)'
            : 'VALIDATION_ERROR: the path or a sent body is malformed (see details)',
      });
      if (!auth.public) for (const code of AUTH_CODES) derived.push({ status: 401, code, note: `${code}` });
      if (!auth.public && !auth.metricsToken) {
        if (unsafe)
          derived.push({
            status: 403,
            code: 'CSRF_INVALID',
            note: 'CSRF_INVALID: with AUTH_COOKIES, a request authenticated by the session cookie without its X-CSRF-Token',
          });
        if (secondFactor)
          derived.push({
            status: 403,
            code: 'MFA_REQUIRED',
            note: `MFA_REQUIRED: the token’s login used no second factor (${secondFactor === 'required' ? 'this route requires one' : `asked ${secondFactor}`})`,
          });
        if (auth.verified)
          derived.push({ status: 403, code: 'EMAIL_NOT_VERIFIED', note: 'EMAIL_NOT_VERIFIED: the caller’s email is not verified yet' });
        if (roles.length > 0 && roles.length < ROLES.length)
          derived.push({
            status: 403,
            code: 'ROLE_REQUIRED',
            note: `ROLE_REQUIRED: needs ${roles.join(' or ')}${roles.includes('admin') ? '' : '; admin passes'}${route.declared ? '' : ' (the route declares no rule, so it is admin only)'}`,
          });
        if (subscription)
          derived.push({
            status: 403,
            code: 'SUBSCRIPTION_REQUIRED',
            note: `SUBSCRIPTION_REQUIRED: needs an active plan with ${subscription}; ${['admin', ...exemptRoles(subscription)].join(', ')} exempt`,
          });
        if (owns) {
          derived.push({
            status: 403,
            code: 'NOT_OWNER',
            note: `NOT_OWNER: the ${owns.resource} named by ${owns.param} is not the caller’s${owns.orPatient ? ', nor about the calling patient' : ''}; admin passes`,
          });
          derived.push({ status: 404, code: 'NOT_FOUND', note: `NOT_FOUND: no such ${owns.resource} (or archived)` });
        }
      }
      if (hasBody) {
        derived.push({ status: 413, code: 'PAYLOAD_TOO_LARGE', note: 'PAYLOAD_TOO_LARGE: the body is over BODY_LIMIT (default 100 kB)' });
        derived.push({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', note: 'UNSUPPORTED_MEDIA_TYPE: send application/json' });
      }
      if (limit !== 'none')
        derived.push({
          status: 429,
          code: 'RATE_LIMITED',
          note:
            limit === 'default'
              ? `RATE_LIMITED: too many requests from this client IP (${RATE_LIMIT_SETTING.default}); see Retry-After`
              : `RATE_LIMITED: this route’s own stricter per-IP limit (${RATE_LIMIT_SETTING[limit]}) is reached; see Retry-After`,
        });
      if (quota)
        derived.push({
          status: 429,
          code: 'RATE_LIMITED',
          note: `RATE_LIMITED: this account’s daily quota of ${quota} is used up; see Retry-After`,
        });
      derived.push({ status: 500, code: 'INTERNAL_ERROR', note: 'INTERNAL_ERROR: an unexpected failure (reported with the request id)' });
      derived.push({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        note: 'SERVICE_UNAVAILABLE: the database or another dependency is unreachable; retry later',
      });
      writeErrors(op, derived);
    }

    // headers on every response: the request id, and the rate-limit headers where the limit applies
    for (const [status, response] of Object.entries(op.responses)) {
      // also on 413/415, where they are absent (the request was refused before it was counted): optional headers
      const counted = limit !== 'none';
      response.headers = {
        ...(response.headers ?? {}),
        'X-Request-Id': headerRef('X-Request-Id'),
        ...(counted
          ? {
              'X-RateLimit-Limit': headerRef('X-RateLimit-Limit'),
              'X-RateLimit-Remaining': headerRef('X-RateLimit-Remaining'),
              'X-RateLimit-Reset': headerRef('X-RateLimit-Reset'),
            }
          : {}),
        ...(status === '429' ? { 'Retry-After': headerRef('Retry-After') } : {}),
        ...(status === '503'
          ? {
              'Retry-After': {
                ...HEADERS['Retry-After'],
                required: false,
                description: 'Seconds to wait before retrying (sent when the database is unreachable).',
              },
            }
          : {}),
      };
      if (Number(status) < 400) completeSuccess(op, status, response, schemas);
    }
  }
  // one example envelope per error code in use, referred to from each response that may carry it
  const used = new Set<ErrorCode>();
  for (const item of Object.values(document.paths))
    for (const op of Object.values(item as Record<string, Operation>))
      for (const response of Object.values(op?.responses ?? {}))
        for (const code of (response['x-error-codes'] as ErrorCode[] | undefined) ?? []) used.add(code);
  components.examples = {
    ...(components.examples as Json | undefined),
    ...Object.fromEntries(
      (Object.keys(ERRORS) as ErrorCode[])
        .filter((c) => used.has(c))
        .map((code) => [code, { summary: code, value: envelopeExample(code) }]),
    ),
  };
}

/** The path parameters a handler validates as UUIDs (`@UuidParam`, or any ParseUUIDPipe). */
function uuidParamsOf(route: Route): Set<string> {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.metatype, route.handlerName) ?? {}) as Record<
    string,
    { data?: unknown; pipes?: unknown[] }
  >;
  const names = new Set<string>();
  for (const arg of Object.values(args))
    if (typeof arg.data === 'string' && (arg.pipes ?? []).some((p) => p instanceof ParseUUIDPipe || p === ParseUUIDPipe))
      names.add(arg.data);
  return names;
}

/** What a path id names: its ownership resource, or the collection before it (`/admin/users/{id}` → user). */
function resourceNamed(path: string, param: string, owns: OwnsRule | null): string {
  if (owns && owns.param === param && (owns.in ?? 'path') === 'path') return owns.resource;
  const segments = path.split('/');
  const before = segments[segments.indexOf(`{${param}}`) - 1] ?? 'resource';
  return before.replace(/ies$/, 'y').replace(/s$/, '');
}

/** Codes of `status` named in a description (`NOT_FOUND: ...`, `RATE_LIMITED (per IP) or ACCOUNT_LOCKED`). */
function codesIn(text: string, status: number): ErrorCode[] {
  return [...text.matchAll(/\b[A-Z][A-Z0-9_]{2,}\b/g)]
    .map((m) => m[0])
    .filter((c): c is ErrorCode => c in ERRORS && ERRORS[c as ErrorCode].status === status);
}

/**
 * Merges the declared errors (`@ApiErrors`, the route's own words) with the derived ones: a description
 * is the union, each code once; an explicit text about a code wins over the derived note.
 */
function writeErrors(op: Operation, derived: ErrorEntry[]): void {
  const byStatus = new Map<number, { texts: string[]; codes: Set<ErrorCode> }>();
  const entry = (status: number) => {
    if (!byStatus.has(status)) byStatus.set(status, { texts: [], codes: new Set() });
    return byStatus.get(status)!;
  };
  for (const [key, response] of Object.entries(op.responses)) {
    const status = Number(key);
    if (!(status >= 400)) continue;
    const e = entry(status);
    for (const text of (response.description ?? '')
      .split(/\n\n+/)
      .map((t) => t.trim())
      .filter(Boolean)) {
      if (!e.texts.includes(text)) e.texts.push(text);
      const named = codesIn(text, status);
      for (const code of named.length ? named : [codeForStatus(status)]) e.codes.add(code);
    }
  }
  const explicit = new Map([...byStatus].map(([s, e]) => [s, new Set(e.codes)]));
  const authNotes: string[] = [];
  for (const d of derived) {
    const e = entry(d.status);
    const named = explicit.get(d.status)?.has(d.code);
    e.codes.add(d.code);
    if (named) continue;
    if (d.status === 401) authNotes.push(d.code);
    else if (!e.texts.includes(d.note)) e.texts.push(d.note);
  }
  if (authNotes.length)
    entry(401).texts.push(`${authNotes.join(', ')}: the bearer token is missing, malformed, invalid, expired or revoked`);
  const order = Object.keys(ERRORS) as ErrorCode[];
  for (const [status, e] of [...byStatus].sort(([a], [b]) => a - b)) {
    const codes = order.filter((c) => e.codes.has(c));
    const previous = op.responses[String(status)];
    op.responses[String(status)] = {
      ...(previous ?? {}),
      description: e.texts.join('\n\n') || codes.join(', '),
      'x-error-codes': codes,
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: ENVELOPE_REF },
              {
                type: 'object',
                properties: {
                  code: { type: 'string', enum: codes },
                  statusCode: { type: 'integer', enum: [status] },
                },
              },
            ],
          },
          examples: Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
        },
      },
    };
  }
}

const EXAMPLE_REQUEST_ID = 'c0ffee00-0000-4000-8000-000000000001';

function envelopeExample(code: ErrorCode): Json {
  const { status, message } = ERRORS[code];
  return {
    success: false,
    error: code === 'ROLE_REQUIRED' ? 'Access denied. Required role: doctor' : message,
    code,
    statusCode: status,
    requestId: EXAMPLE_REQUEST_ID,
    ...(code === 'VALIDATION_ERROR' ? { details: [{ field: 'email', message: 'email must be an email' }] } : {}),
  };
}

/** The envelope's own schema: integer status, a described request id. */
function patchEnvelopeSchema(schemas: Record<string, Schema>): void {
  const envelope = schemas.ErrorResponseDto as { properties?: Record<string, Schema>; required?: string[] } | undefined;
  if (!envelope?.properties) return;
  envelope.properties.statusCode = { ...envelope.properties.statusCode, type: 'integer', example: 400 };
}

/** A success response: a description, and an example built from its schema. */
function completeSuccess(op: Operation, status: string, response: ResponseObject, schemas: Record<string, Schema>): void {
  if (!response.description) response.description = `${STATUS_TEXT[status] ?? 'Success'}: ${op.summary ?? op.operationId ?? 'done'}.`;
  const media = response.content?.['application/json'];
  if (!media?.schema || media.example !== undefined || media.examples !== undefined) return;
  const example = exampleOf(media.schema, schemas, 0);
  if (example !== undefined) media.example = example;
}

const FAKE: Array<[RegExp, string]> = [
  [/token|secret|password|apikey|api_key|credential/i, 'EXAMPLE-PLACEHOLDER-NOT-A-REAL-VALUE'],
  [/email/i, 'dr.jane.doe@example.org'],
  [/firstName/i, 'Jane'],
  [/lastName/i, 'Doe'],
];

/** A plausible value for a schema (never a secret: token-like fields get an obvious placeholder). */
export function exampleOf(schema: Schema, schemas: Record<string, Schema>, depth: number, name = ''): unknown {
  if (depth > 8) return undefined;
  const ref = schema.$ref as string | undefined;
  if (ref) {
    const target = schemas[ref.replace('#/components/schemas/', '')];
    return target ? exampleOf(target, schemas, depth + 1, name) : undefined;
  }
  const fake = FAKE.find(([re]) => re.test(name));
  if (fake && (schema.type === 'string' || schema.type === undefined) && !schema.enum && !schema.format) return fake[1];
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const parts = schema[key] as Schema[] | undefined;
    if (parts?.length) {
      if (key !== 'allOf') return exampleOf(parts[0], schemas, depth + 1, name);
      const merged: Json = {};
      for (const part of parts) {
        const value = exampleOf(part, schemas, depth + 1, name);
        if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(merged, value);
      }
      return merged;
    }
  }
  const type = schema.type as string | undefined;
  if (type === 'object' || schema.properties) {
    const out: Json = {};
    for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
      const value = exampleOf(prop, schemas, depth + 1, key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  if (type === 'array') {
    const item = exampleOf((schema.items ?? {}) as Schema, schemas, depth + 1, name);
    // as many items as the schema asks for (e.g. the 10 recovery codes), else one
    return item === undefined ? [] : Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => item);
  }
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (type === 'string') {
    switch (schema.format) {
      case 'uuid':
        return '3fa85f64-5717-4562-b3fc-2c963f66afa6';
      case 'date-time':
        return '2026-03-02T09:30:00.000Z';
      case 'date':
        return '1980-04-12';
      case 'email':
        return 'dr.jane.doe@example.org';
      case 'uri':
        return 'https://medisync.example.org/';
    }
    if (fake) return fake[1];
    const min = (schema.minLength as number | undefined) ?? 0;
    return 'text'.padEnd(min, 'x');
  }
  return undefined;
}

/** Every integer is a 32-bit, non-negative one unless its schema says otherwise (ids are UUIDs; integers are counts and statuses). */
function boundIntegers(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) boundIntegers(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Json;
  if (schema.type === 'integer') {
    schema.format ??= 'int32';
    schema.minimum ??= 0;
    schema.maximum ??= 2_147_483_647;
  }
  for (const value of Object.values(schema)) boundIntegers(value);
}
