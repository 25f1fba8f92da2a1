/**
 * Domain events of the MFA module, emitted after the change has committed. Other modules react with
 * `@OnEvent(MfaDisabled.event)` instead of this module reaching into their tables.
 *
 * MfaDisabled: the account's second factor was turned off by its owner (`tokenId` is the access
 * token of that request: its session stays, the user's other sessions should end) or reset by an
 * admin (`tokenId` null: every session of the user should end).
 */
export class MfaDisabled {
  static readonly event = 'mfa.disabled';
  constructor(
    readonly userId: string,
    readonly tokenId: string | null,
  ) {}
}
