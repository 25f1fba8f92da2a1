import { DatabaseError } from 'pg';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError, TypeORMError } from 'typeorm';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-errors';

const serverError = (code: string) => Object.assign(new DatabaseError('from the server', 0, 'error'), { code });
const failed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);
const socket = (code: string) => Object.assign(new Error('socket'), { code });

describe('isDatabaseUnavailable: decided by class and code, never by message', () => {
  it.each([
    ['a pool that could not connect', new DatabaseUnavailableError(socket('ECONNREFUSED'))],
    ['a transaction whose connection died (released runner)', new QueryRunnerAlreadyReleasedError()],
    ['an entity manager of a released runner', new QueryRunnerProviderAlreadyReleasedError()],
    ['SQLSTATE 57P01 admin shutdown', failed(serverError('57P01'))],
    ['SQLSTATE 57P02 crash shutdown', failed(serverError('57P02'))],
    ['SQLSTATE 57P03 cannot connect now', serverError('57P03')],
    ['SQLSTATE class 08 (connection failure)', failed(serverError('08006'))],
    ['SQLSTATE 53300 too many connections', serverError('53300')],
    ['a socket reset under a query', failed(socket('ECONNRESET'))],
    ['a refused connection', socket('ECONNREFUSED')],
    ['a driver error raised on our side of the wire (no SQLSTATE)', failed(new Error('any message at all'))],
    ['the same, deeper in the cause chain', new Error('wrapped', { cause: failed(new Error('x')) })],
  ])('%s → unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', failed(serverError('23505'))],
    ['a syntax error (a bug: stays a 500)', failed(serverError('42601'))],
    ['a statement timeout', failed(serverError('57014'))],
    ['a type error in the driver (a bug)', failed(new TypeError('Client was passed a null or undefined query'))],
    ['any other TypeORM error', new TypeORMError('something else')],
    ['a plain error whose message merely mentions connections', new Error('Connection terminated unexpectedly')],
    ['not an error at all', 'Connection terminated'],
    ['undefined', undefined],
  ])('%s → not unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
