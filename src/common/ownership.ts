import type { Principal } from '../auth/decorators';
import { AppException } from './errors';

/**
 * The one ownership check, made where a row is loaded (a guard cannot see the row): missing is
 * NOT_FOUND, someone else's is NOT_OWNER. Admin passes. `alsoAllowed` lets a service admit another
 * party, e.g. the patient an appointment is for, for reading.
 */
export function requireOwner<T extends { doctorId: string }>(
  row: T | null | undefined,
  user: Principal,
  what: string,
  alsoAllowed = false,
): T {
  if (!row) throw new AppException('NOT_FOUND', `${what} not found`);
  if (user.role !== 'admin' && row.doctorId !== user.id && !alsoAllowed) throw new AppException('NOT_OWNER');
  return row;
}
