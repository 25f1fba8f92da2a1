import { DatabaseError } from 'pg';
import {
  CannotExecuteNotConnectedError,
  ConnectionIsNotSetError,
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';

/**
 * Raised when no connection could be had from the pool (refused, timed out, the server starting or
 * shutting down, the pool exhausted past its timeout). The driver wrapper in `database/pg-driver.ts`
 * turns every connection-acquisition failure into this class, so it can be recognised by class.
 */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The database could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** TypeORM's errors for a query runner whose connection is gone (PostgreSQL dropped it mid-transaction). */
const RELEASED_OR_UNCONNECTED = [
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
  CannotExecuteNotConnectedError,
  ConnectionIsNotSetError,
];

/** Socket-level error codes (Node's errno names) of a connection that cannot be made or was cut. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * SQLSTATEs that mean "not reachable right now": class 08 (connection exception), 57P01–57P03
 * (admin shutdown, crash shutdown, cannot connect now) and 53300 (too many connections).
 */
export function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/**
 * Whether an error means the database is unreachable (answered 503 SERVICE_UNAVAILABLE), decided by
 * error class and code along the error's cause chain, never by its message:
 * - our DatabaseUnavailableError (no connection could be acquired);
 * - TypeORM's released-runner and not-connected errors (a transaction whose connection died);
 * - a server error whose SQLSTATE is of the connection kind (see isUnavailableSqlState);
 * - a socket error code (ECONNREFUSED, ECONNRESET …);
 * - a failed query whose driver error carries no SQLSTATE at all: the pg driver raised it on our side
 *   of the wire (connection terminated, not queryable, read timeout), which for the queries TypeORM
 *   builds only happens when the connection is broken.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof DatabaseUnavailableError) return true;
    if (RELEASED_OR_UNCONNECTED.some((type) => current instanceof type)) return true;
    if (current instanceof DatabaseError) return typeof current.code === 'string' && isUnavailableSqlState(current.code);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
    if (current instanceof QueryFailedError) {
      const driverError: unknown = current.driverError;
      if (driverError instanceof Error && !(driverError instanceof DatabaseError) && !(driverError instanceof TypeError)) {
        const driverCode = (driverError as { code?: unknown }).code;
        if (driverCode === undefined) return true;
      }
      current = driverError;
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
