/**
 * Domain events of the MFA module, emitted after the change has committed. Other modules react with
 * `@OnEvent(MfaDisabled.event)` instead of this module reaching into their tables.
 *
 * MfaDisabled: the account's second factor was turned off by its owner (`sessionId` is the session of
 * that request: it stays, the user's other sessions end) or reset by an admin (`sessionId` null:
 * every session of the user ends). The sessions module ends them.
 */
export class MfaDisabled {
  static readonly event = 'mfa.disabled';
  constructor(
    readonly userId: string,
    readonly sessionId: string | null,
  ) {}
}
