import {
  ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  Logger,
  MethodNotAllowedException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DatabaseError } from 'pg';
import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { DatabaseUnavailableError } from './database-errors';
import { AppException } from './errors';

/** A Fastify reply that keeps what the filter set on it. */
class FakeReply {
  statusCode?: number;
  sentHeaders: Record<string, string> = {};
  body?: Record<string, unknown>;
  sends = 0;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: string) {
    this.sentHeaders[name.toLowerCase()] = value;
    return this;
  }
  headers(values: Record<string, string>) {
    for (const [name, value] of Object.entries(values)) this.header(name, value);
    return this;
  }
  send(body: Record<string, unknown>) {
    this.body = body;
    this.sends++;
    return this;
  }
}

/** Runs the filter on one exception as Nest would and returns the reply it produced. */
function handle(exception: unknown, requestId: unknown = 'req-1'): FakeReply {
  const reply = new FakeReply();
  const request = { id: requestId, method: 'POST', url: '/api/x' };
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return reply;
}

const serverError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new DatabaseError('from the server', 0, 'error'), { code, ...extra });
const queryFailed = (driverError: Error) =>
  new QueryFailedError('INSERT INTO "users"("email") VALUES ($1)', ['secret@example.org'], driverError);
const fastifyCause = (code: string) => Object.assign(new Error(`raw body echo: {"password":"hunter2"}`), { code });

let logged: jest.SpyInstance;
beforeEach(() => {
  logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
});

describe('AllExceptionsFilter: the envelope', () => {
  it('sends exactly the contract envelope with the request id, as JSON, once', () => {
    const reply = handle(new AppException('NOT_OWNER'), 'req-abc');
    expect(reply.statusCode).toBe(403);
    expect(reply.body).toEqual({
      success: false,
      error: 'You do not have access to this resource',
      code: 'NOT_OWNER',
      statusCode: 403,
      requestId: 'req-abc',
    });
    expect(reply.sentHeaders['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.sends).toBe(1);
    expect(logged).not.toHaveBeenCalled();
  });

  it('sends the request id as a string whatever type Fastify gave it', () => {
    expect(handle(new AppException('NOT_FOUND'), 42).body?.requestId).toBe('42');
  });
});

describe('AllExceptionsFilter: AppException', () => {
  it.each([
    ['AUTH_HEADER_MISSING', 401, 'Authorization header is required'],
    ['TOKEN_EXPIRED', 401, 'Token has expired'],
    ['EMAIL_NOT_VERIFIED', 403, 'Email verification required'],
    ['SUBSCRIPTION_REQUIRED', 403, 'Active subscription required'],
    ['EMAIL_TAKEN', 409, 'Email already registered'],
    ['TOKEN_USED_OR_EXPIRED', 410, 'This link has already been used or has expired'],
    ['UPSTREAM_ERROR', 502, 'Upstream provider failed'],
  ] as const)('%s → %i with its message', (code, status, message) => {
    const reply = handle(new AppException(code));
    expect(reply.statusCode).toBe(status);
    expect(reply.body).toEqual({ success: false, error: message, code, statusCode: status, requestId: 'req-1' });
  });

  it('keeps a message the code gives, e.g. the role required', () => {
    const reply = handle(new AppException('ROLE_REQUIRED', 'Access denied. Required role: admin'));
    expect(reply.body).toMatchObject({ code: 'ROLE_REQUIRED', statusCode: 403, error: 'Access denied. Required role: admin' });
  });

  it('VALIDATION_ERROR carries its details', () => {
    const details = [{ field: 'email', message: 'email must be an email' }];
    const reply = handle(AppException.validation(details));
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toEqual({
      success: false,
      error: 'Validation failed',
      code: 'VALIDATION_ERROR',
      statusCode: 400,
      requestId: 'req-1',
      details,
    });
  });

  it('VALIDATION_ERROR without details still has details: []', () => {
    expect(handle(new AppException('VALIDATION_ERROR')).body?.details).toEqual([]);
  });

  it('any other code never carries details, even when given some', () => {
    const reply = handle(new AppException('CONFLICT', 'Trial already used', [{ field: 'plan', message: 'internal note' }]));
    expect(reply.body).not.toHaveProperty('details');
    expect(JSON.stringify(reply.body)).not.toContain('internal note');
  });

  it('sends its extra headers, e.g. Retry-After', () => {
    const reply = handle(new AppException('ACCOUNT_LOCKED', undefined, undefined, { 'retry-after': '900' }));
    expect(reply.statusCode).toBe(429);
    expect(reply.body).toMatchObject({ code: 'ACCOUNT_LOCKED', error: 'Account temporarily locked' });
    expect(reply.sentHeaders['retry-after']).toBe('900');
  });

  it('sends no Retry-After when the exception has none', () => {
    expect(handle(new AppException('RATE_LIMITED')).sentHeaders).not.toHaveProperty('retry-after');
  });
});

describe("AllExceptionsFilter: the framework's HttpExceptions", () => {
  it('404 → NOT_FOUND "Route not found", without the path Nest put in its message', () => {
    const reply = handle(new NotFoundException('Cannot GET /api/internal-admin-thing'));
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toEqual({ success: false, error: 'Route not found', code: 'NOT_FOUND', statusCode: 404, requestId: 'req-1' });
  });

  it('405 keeps its status and is a NOT_FOUND', () => {
    const reply = handle(new MethodNotAllowedException());
    expect(reply.statusCode).toBe(405);
    expect(reply.body).toMatchObject({ code: 'NOT_FOUND', statusCode: 405, error: 'Not found' });
  });

  it('413 → PAYLOAD_TOO_LARGE', () => {
    const reply = handle(new PayloadTooLargeException('body of 2049 bytes over 2048'));
    expect(reply.statusCode).toBe(413);
    expect(reply.body).toEqual({
      success: false,
      error: 'Request body is too large',
      code: 'PAYLOAD_TOO_LARGE',
      statusCode: 413,
      requestId: 'req-1',
    });
  });

  it('415 → UNSUPPORTED_MEDIA_TYPE', () => {
    const reply = handle(new UnsupportedMediaTypeException('text/plain'));
    expect(reply.statusCode).toBe(415);
    expect(reply.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', error: 'Content-Type must be application/json' });
  });

  it.each([
    [new BadRequestException('bad thing in field x'), 400, 'VALIDATION_ERROR', 'Validation failed'],
    [new UnauthorizedException('jwt malformed'), 401, 'TOKEN_INVALID', 'Invalid token'],
    [new ForbiddenException('Forbidden resource'), 403, 'NOT_OWNER', 'You do not have access to this resource'],
    [new HttpException('ThrottlerException: Too Many Requests', 429), 429, 'RATE_LIMITED', 'Too many requests'],
    [new HttpException('upstream exploded', 503), 503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable'],
  ])('%s → %i %s with the contract message, not its own', (exception, status, code, message) => {
    const reply = handle(exception);
    expect(reply.statusCode).toBe(status);
    expect(reply.body).toMatchObject({ code, statusCode: status, error: message });
    expect(JSON.stringify(reply.body)).not.toContain(exception.message);
  });

  it('a 400 from the framework is VALIDATION_ERROR with details: []', () => {
    expect(handle(new BadRequestException()).body?.details).toEqual([]);
  });
});

describe("AllExceptionsFilter: Fastify's body errors (FST_ codes Nest wraps)", () => {
  const wrapped = (fstCode: string, status: number) => new HttpException('wrapped', status, { cause: fastifyCause(fstCode) });

  it('invalid JSON → 400 VALIDATION_ERROR naming the body', () => {
    const reply = handle(wrapped('FST_ERR_CTP_INVALID_JSON_BODY', 400));
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toEqual({
      success: false,
      error: 'Validation failed',
      code: 'VALIDATION_ERROR',
      statusCode: 400,
      requestId: 'req-1',
      details: [{ field: 'body', message: 'Body is not valid JSON' }],
    });
  });

  it('another body error (empty JSON body) → 400 "Malformed request body"', () => {
    const reply = handle(wrapped('FST_ERR_CTP_EMPTY_JSON_BODY', 400));
    expect(reply.body?.details).toEqual([{ field: 'body', message: 'Malformed request body' }]);
  });

  it('body too large → 413 PAYLOAD_TOO_LARGE', () => {
    const reply = handle(wrapped('FST_ERR_CTP_BODY_TOO_LARGE', 413));
    expect(reply.statusCode).toBe(413);
    expect(reply.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', error: 'Request body is too large' });
    expect(reply.body).not.toHaveProperty('details');
  });

  it('unsupported media type → 415 UNSUPPORTED_MEDIA_TYPE', () => {
    const reply = handle(wrapped('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415));
    expect(reply.statusCode).toBe(415);
    expect(reply.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('never echoes the input the parser complained about', () => {
    for (const [code, status] of [
      ['FST_ERR_CTP_INVALID_JSON_BODY', 400],
      ['FST_ERR_CTP_BODY_TOO_LARGE', 413],
    ] as const)
      expect(JSON.stringify(handle(wrapped(code, status)).body)).not.toMatch(/hunter2|raw body/);
  });
});

describe('AllExceptionsFilter: database errors', () => {
  it('a unique violation of uq_users_email → 409 EMAIL_TAKEN', () => {
    const reply = handle(queryFailed(serverError('23505', { constraint: 'uq_users_email' })));
    expect(reply.statusCode).toBe(409);
    expect(reply.body).toEqual({
      success: false,
      error: 'Email already registered',
      code: 'EMAIL_TAKEN',
      statusCode: 409,
      requestId: 'req-1',
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('a unique violation of uq_subscriptions_trial → 409 CONFLICT with its own message', () => {
    const reply = handle(queryFailed(serverError('23505', { constraint: 'uq_subscriptions_trial' })));
    expect(reply.body).toMatchObject({ code: 'CONFLICT', statusCode: 409, error: 'The free trial has already been used' });
  });

  it.each([['uq_some_future_thing'], [undefined]])(
    'a unique violation of another constraint (%s) → 409 CONFLICT "Conflict"',
    (constraint) => {
      const reply = handle(queryFailed(serverError('23505', { constraint })));
      expect(reply.statusCode).toBe(409);
      expect(reply.body).toMatchObject({ code: 'CONFLICT', error: 'Conflict' });
      expect(JSON.stringify(reply.body)).not.toContain('uq_');
    },
  );

  it.each([['22P02'], ['22P05'], ['22021'], ['22007'], ['22008'], ['22003'], ['22001'], ['23502'], ['23514']])(
    'SQLSTATE %s (bad input that got past validation) → 400 VALIDATION_ERROR',
    (sqlState) => {
      const reply = handle(queryFailed(serverError(sqlState)));
      expect(reply.statusCode).toBe(400);
      expect(reply.body).toEqual({
        success: false,
        error: 'Validation failed',
        code: 'VALIDATION_ERROR',
        statusCode: 400,
        requestId: 'req-1',
        details: [],
      });
    },
  );

  it.each([
    [
      'no connection could be had',
      new DatabaseUnavailableError(Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' })),
    ],
    ['the server shut down under a query', queryFailed(serverError('57P01'))],
    ['the connection died mid-transaction', new QueryRunnerAlreadyReleasedError()],
  ])('database unavailable (%s) → 503 SERVICE_UNAVAILABLE with Retry-After', (_name, exception) => {
    const reply = handle(exception);
    expect(reply.statusCode).toBe(503);
    expect(reply.body).toEqual({
      success: false,
      error: 'Service temporarily unavailable',
      code: 'SERVICE_UNAVAILABLE',
      statusCode: 503,
      requestId: 'req-1',
    });
    expect(reply.sentHeaders['retry-after']).toBe('5');
    expect(JSON.stringify(reply.body)).not.toMatch(/10\.1\.2\.3|ECONNREFUSED|57P01|INSERT/);
  });

  it('any other failed query (a syntax error: a bug) → 500, the SQL and its parameters not sent', () => {
    const reply = handle(queryFailed(serverError('42601')));
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toMatchObject({ code: 'INTERNAL_ERROR', error: 'Internal server error' });
    expect(JSON.stringify(reply.body)).not.toMatch(/INSERT|users|secret@example\.org|42601/);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});

describe('AllExceptionsFilter: anything else', () => {
  it('an unknown Error → 500 "Internal server error", nothing of it in the body, logged with the request id', () => {
    const error = new TypeError('Cannot read properties of undefined (reading "passwordHash") in SELECT * FROM users');
    const reply = handle(error, 'req-500');
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({
      success: false,
      error: 'Internal server error',
      code: 'INTERNAL_ERROR',
      statusCode: 500,
      requestId: 'req-500',
    });
    const sent = JSON.stringify(reply.body);
    for (const leak of ['passwordHash', 'SELECT', 'TypeError', 'Cannot read', '.ts:', '.js:', error.stack!.split('\n')[1].trim()])
      expect(sent).not.toContain(leak);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0][0]).toMatchObject({ msg: 'Unhandled error', requestId: 'req-500', err: { name: 'TypeError' } });
  });

  it.each([
    ['a string', 'boom'],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', { message: 'SELECT 1' }],
  ])('a thrown %s → 500 INTERNAL_ERROR', (_name, thrown) => {
    const reply = handle(thrown);
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({
      success: false,
      error: 'Internal server error',
      code: 'INTERNAL_ERROR',
      statusCode: 500,
      requestId: 'req-1',
    });
    expect(reply.sentHeaders).not.toHaveProperty('retry-after');
  });

  it('render() decides without touching the reply (the same answer as catch())', () => {
    const filter = new AllExceptionsFilter();
    const request = { id: 'r' } as unknown as FastifyRequest;
    expect(filter.render(new AppException('TOKEN_REVOKED'), request)).toEqual({
      status: 401,
      code: 'TOKEN_REVOKED',
      message: 'Token has been revoked',
      details: undefined,
      headers: undefined,
    });
    expect(filter.render(new Error('x'), request)).toEqual({ status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' });
  });
});
