import { randomUUID } from 'node:crypto';
import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule, ERROR_FORMATS } from './app.module';
import { AllExceptionsFilter, clientErrorResponse } from './common/all-exceptions.filter';
import { AppException } from './common/errors';
import { jsonShapeProblem } from './common/json-limits';
import { FHIR_ROOT } from './fhir/operation-outcome';
import { requestContext } from './common/request-context';
import { securityHeaders } from './common/security-headers';
import { AppConfig } from './config/config';
import { APP_CONFIG } from './config/config.module';
import { openApiDocument as buildOpenApiDocument } from './openapi';
import { loadOpenApiMetadata } from './openapi-plugin';
import { createRootLogger, PinoNestLogger } from './observability/logger';
import { MetricsService } from './observability/metrics.service';
import { serveStaticAssets } from './static-assets';
import type { Logger as Pino } from 'pino';

/** Renders the errors Fastify raises before Nest sees the request, with the same code as every other error. */
const FRAMEWORK_ERRORS = new AllExceptionsFilter(ERROR_FORMATS);

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every route is under /api, except the probes and metrics that operators' tools expect at the root,
 * the key set and metadata document that resource servers expect under /.well-known, Ayush
 * Synapse's demo login at the path its documentation shows (it exists only with DEMO_MODE), and the
 * FHIR interface at /fhir/R4 (FHIR clients are given a base URL, not our prefix). An entry ending in
 * `/{*path}` excludes everything under it.
 */
export const GLOBAL_PREFIX = {
  prefix: 'api',
  exclude: [
    'health/live',
    'health/ready',
    'metrics',
    '.well-known/jwks.json',
    '.well-known/medisync-configuration',
    'auth/login',
    'fhir/{*path}',
    // the hosted account pages the emails link to, and the admin console (src/pages, src/console)
    'verify-email',
    'reset-password',
    'accept-invitation',
    'admin',
  ],
};

/** The Swagger UI's pages, which get the `docs` security headers. */
const DOCS_PATH = /^\/docs(?:[/?]|$)/;

/** TRUST_PROXY as Fastify understands it: true, a hop count, or a list of addresses/CIDRs. */
export function trustProxyOption(value: string | undefined): boolean | number | string[] {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function fastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    trustProxy: trustProxyOption(config.trustProxy) as boolean | string[],
    // echo a well-formed incoming X-Request-Id, otherwise make one
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    logger: false,
    // a path Fastify cannot route (undecodable, or a parameter over maxParamLength) and a request Node's
    // parser refuses (headers over the limit): the envelope, never Fastify's own body echoing the input
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      FRAMEWORK_ERRORS.respond(error, request, reply);
    },
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error.code));
      socket.destroy(error);
    },
    // requests on open connections are still served while closing (a Fastify 503 would skip our envelope)
    return503OnClosing: false,
  });
}

/** Fastify-level settings: JSON is the only body we parse (anything else is 415), request ids on every reply. */
/** The path every prefixed route is under ("/api"). */
const API_ROOT = `/${GLOBAL_PREFIX.prefix}`;

/** Is the URL (path and query) at `root` or below it? */
const isUnder = (url: string, root: string) =>
  url.startsWith(root) && (url.length === root.length || url[root.length] === '/' || url[root.length] === '?');

export function configureHttp(app: NestFastifyApplication, config: AppConfig, metrics: MetricsService, logger: Pino): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  // the security headers (helmet's), computed once: they never depend on the request
  const security = securityHeaders({ httpsOnly: config.httpsOnly, scope: 'app' });
  const docsSecurity = securityHeaders({ httpsOnly: config.httpsOnly, scope: 'docs' });
  fastify.removeAllContentTypeParsers();
  const json = fastify.getDefaultJsonParser('error', 'error');
  // an empty body with Content-Type: application/json (many clients send it on body-less POSTs) is no body;
  // a body nested too deep or with absurdly many properties is refused before anything recurses into it
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    const problem = jsonShapeProblem(body as string);
    if (problem) return done(AppException.validation([{ field: 'body', message: problem }]), undefined);
    return json(request, body as string, done);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(DOCS_PATH.test(request.url) ? docsSecurity : security).header('x-request-id', request.id);
    // nothing under /api or /fhir may be stored by a browser or a shared cache (tokens, health data);
    // the public documents outside them (/docs, /docs-json) may be cached
    const url = request.url;
    if (isUnder(url, API_ROOT) || isUnder(url, FHIR_ROOT)) void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    done();
  });
  // one log line and one histogram observation per request; the route template, never the URL
  // (a query string can carry a token). The line's fields are all named below and none can carry a
  // secret, so it skips the redaction pass (about 8 µs a line, most of the line's cost)
  const requestLog = logger.child({}, { redact: [] });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.httpDuration.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
    const userId = (request as unknown as { user?: { id?: string } }).user?.id ?? null;
    const line = {
      reqId: request.id,
      method: request.method,
      route,
      status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      userId,
      ip: request.ip,
    };
    if (status >= 500) requestLog.error(line, 'request failed');
    else requestLog.info(line, 'request completed');
    done();
  });
  // after body parsing, so the handler and everything it awaits see the request's context
  fastify.addHook('preHandler', (request, _reply, done) => {
    const ua = request.headers['user-agent'];
    requestContext.run({ requestId: String(request.id), ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null }, done);
  });
}

/** The OpenAPI document served at /docs-json (see src/openapi.ts; createApp has loaded the plugin metadata it needs first). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return buildOpenApiDocument(app, { appUrl: app.get<AppConfig>(APP_CONFIG).appUrl, globalPrefix: GLOBAL_PREFIX });
}

/** Builds the whole application (used by main.ts and by the e2e tests alike). */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  extraImports: ModuleMetadata['imports'] = [],
): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, databaseUrl, logger, extraImports),
    fastifyAdapter(config),
    {
      bodyParser: false,
      abortOnError: false,
      bufferLogs: true,
    },
  );
  // Nest's own lines (buffered until now) and every `new Logger(context)` as pino JSON
  app.useLogger(new PinoNestLogger(logger));
  app.flushLogs();
  app.setGlobalPrefix(GLOBAL_PREFIX.prefix, { exclude: GLOBAL_PREFIX.exclude });
  configureHttp(app, config, app.get(MetricsService), logger);
  await serveStaticAssets(app, config);
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: ['X-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await loadOpenApiMetadata();
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    // a bearer token typed into /docs is not kept in the browser's localStorage
    swaggerOptions: { persistAuthorization: false },
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
