import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, QueryFailedError } from 'typeorm';
import { DatabaseConnection } from '../database/connection';
import { isDatabaseUnavailable } from './database-errors';
import { AppException, codeForStatus, ERRORS, ErrorCode, ErrorDetail, ErrorEnvelope } from './errors';

/**
 * Unique constraints (by their explicit names in the migrations) and the contract code a violation
 * of each one means. Anything not listed is a plain CONFLICT.
 */
const UNIQUE_VIOLATIONS: Record<string, { code: ErrorCode; message?: string }> = {
  uq_users_email: { code: 'EMAIL_TAKEN' },
  uq_subscriptions_trial: { code: 'CONFLICT', message: 'The free trial has already been used' },
};

/** PostgreSQL codes that mean bad input got past validation: invalid text, NUL bytes, dates, ranges, NOT NULL, CHECK. */
const BAD_INPUT_CODES = new Set(['22P02', '22P05', '22021', '22007', '22008', '22003', '22001', '23502', '23514']);

export interface Rendered {
  status: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
  /** Envelope fields the contract adds for a code (`mfaToken` with MFA_REQUIRED / MFA_ENROLLMENT_REQUIRED). */
  fields?: { mfaToken: string };
}

/**
 * How the errors of one part of the URL space are written when it is not the contract's envelope (the
 * FHIR interface answers with an OperationOutcome). What an error *is* (status, code, message, headers)
 * is decided once, by `render`; a format only writes it down.
 */
export interface ErrorFormat {
  /** Whether this request's errors are written in this format (e.g. its path is under /fhir). */
  appliesTo(request: FastifyRequest): boolean;
  /** The status, media type and body of the answer. */
  write(rendered: Rendered, request: FastifyRequest): { status: number; contentType: string; body: unknown };
}

/**
 * Turns every error into the contract's envelope (or, where an ErrorFormat applies, into that format's
 * body); unknown ones are logged and become a bare 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  /** `db`: the application's DataSource; while it is not connected yet, a failing request is 503, not 500. */
  constructor(
    private readonly formats: readonly ErrorFormat[] = [],
    private readonly db?: DataSource,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    this.respond(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>());
  }

  /**
   * Renders and sends the envelope. Also called directly for the errors Fastify raises before Nest sees
   * the request (a bad URL, an over-long path parameter: `frameworkErrors` in app.setup.ts).
   */
  respond(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const rendered = this.render(exception, request);
    if (rendered.headers) void reply.headers(rendered.headers);
    const format = this.formats.find((f) => f.appliesTo(request));
    const { status, contentType, body } = format
      ? format.write(rendered, request)
      : { status: rendered.status, contentType: 'application/json; charset=utf-8', body: envelope(rendered, String(request.id)) };
    void reply.status(status).header('x-request-id', String(request.id)).header('content-type', contentType).send(body);
  }

  render(exception: unknown, request: FastifyRequest): Rendered {
    const fst = (exception as { code?: unknown } | null)?.code;
    if (fst === 'FST_ERR_BAD_URL' || fst === 'FST_ERR_MAX_PARAM_LENGTH') return this.badPath(fst);
    if (exception instanceof AppException) {
      return {
        status: exception.getStatus(),
        code: exception.code,
        message: exception.message,
        details: exception.details,
        headers: exception.headers,
        fields: exception.extra?.fields,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const cause = exception.cause as { code?: unknown } | undefined;
      if (typeof cause?.code === 'string' && cause.code.startsWith('FST_') && status < 500) return this.fastifyError(cause.code, status);
      const code = codeForStatus(status);
      const message = status === 404 ? 'Route not found' : ERRORS[code].message;
      return { status, code, message };
    }
    const err = exception as { code?: string; statusCode?: number; message?: string; driverError?: { code?: string; constraint?: string } };
    if (exception instanceof QueryFailedError) {
      const driver = err.driverError ?? {};
      if (driver.code === '23505') {
        const known = UNIQUE_VIOLATIONS[driver.constraint ?? ''];
        const code = known?.code ?? 'CONFLICT';
        return { status: ERRORS[code].status, code, message: known?.message ?? ERRORS[code].message };
      }
      if (driver.code && BAD_INPUT_CODES.has(driver.code)) {
        // invalid text representation / datetime / out of range: bad input that slipped past validation
        return { status: 400, code: 'VALIDATION_ERROR', message: ERRORS.VALIDATION_ERROR.message, details: [] };
      }
    }
    if (isDatabaseUnavailable(exception)) return this.unavailable();
    // the database has not been reached since start (DatabaseConnector is still trying): whatever failed
    // needed it (TypeORM raises "not connected" errors of several kinds before the first connection)
    if (this.db && !DatabaseConnection.of(this.db).ready) return this.unavailable();
    this.logger.error({
      msg: 'Unhandled error',
      requestId: request.id,
      err: exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : String(exception),
    });
    return { status: 500, code: 'INTERNAL_ERROR', message: ERRORS.INTERNAL_ERROR.message };
  }

  /**
   * A path Fastify cannot route: undecodable (`%ff`) or a parameter over the router's limit (100
   * characters; every id is a 36-character UUID). Both are a malformed path parameter, which is
   * 400 VALIDATION_ERROR like any other; the path itself is never echoed back.
   */
  private badPath(fstCode: 'FST_ERR_BAD_URL' | 'FST_ERR_MAX_PARAM_LENGTH'): Rendered {
    const message = fstCode === 'FST_ERR_BAD_URL' ? 'The path is not a valid URL' : 'A path parameter is too long';
    return { status: 400, code: 'VALIDATION_ERROR', message: ERRORS.VALIDATION_ERROR.message, details: [{ field: 'path', message }] };
  }

  private unavailable(): Rendered {
    return { status: 503, code: 'SERVICE_UNAVAILABLE', message: ERRORS.SERVICE_UNAVAILABLE.message, headers: { 'retry-after': '5' } };
  }

  /** Body parsing, size and media-type errors, which Fastify raises before our handlers and Nest wraps. */
  private fastifyError(fstCode: string, status: number): Rendered {
    const code = codeForStatus(status); // 400, 413 PAYLOAD_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE
    if (code !== 'VALIDATION_ERROR') return { status, code, message: ERRORS[code].message };
    const message = fstCode === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'Body is not valid JSON' : 'Malformed request body';
    return { status, code, message: ERRORS.VALIDATION_ERROR.message, details: [{ field: 'body', message }] };
  }
}

/** The contract's envelope for a rendered error. */
export function envelope(rendered: Rendered, requestId: string): ErrorEnvelope {
  return {
    success: false,
    error: rendered.message,
    code: rendered.code,
    statusCode: rendered.status,
    requestId,
    ...(rendered.code === 'VALIDATION_ERROR' ? { details: rendered.details ?? [] } : {}),
    ...(rendered.fields ?? {}),
  };
}

/**
 * The raw HTTP answer to a request Node's parser refused before any framework saw it (headers over the
 * limit, a malformed request line): the envelope with a fresh request id, and the connection closed.
 */
export function clientErrorResponse(errorCode: string | undefined): string {
  const requestId = randomUUID();
  const rendered: Rendered =
    errorCode === 'HPE_HEADER_OVERFLOW'
      ? { status: 431, code: 'HEADERS_TOO_LARGE', message: ERRORS.HEADERS_TOO_LARGE.message }
      : errorCode === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { status: 408, code: 'REQUEST_TIMEOUT', message: ERRORS.REQUEST_TIMEOUT.message }
        : {
            status: 400,
            code: 'VALIDATION_ERROR',
            message: ERRORS.VALIDATION_ERROR.message,
            details: [{ field: 'request', message: 'Malformed HTTP request' }],
          };
  const body = JSON.stringify(envelope(rendered, requestId));
  return [
    `HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
