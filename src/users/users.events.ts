import type { EntityManager } from 'typeorm';

/**
 * Domain events of the users module. Other modules react with `@OnEvent(PasswordChanged.event,
 * { suppressErrors: false })` instead of this module writing their tables.
 *
 * PasswordChanged is emitted, and awaited, inside the transaction that changes the password, with that
 * transaction's manager: whatever a listener writes (the verification module retires the account's
 * reset links) commits or rolls back with the new password, so an old reset link can never outlive it.
 */
export class PasswordChanged {
  static readonly event = 'users.password_changed';
  constructor(
    readonly userId: string,
    readonly manager: EntityManager,
  ) {}
}
