import { Injectable } from '@nestjs/common';
import type { User } from '../users/user.entity';
import type { Principal } from './principal';

/**
 * What login needs from the MFA module, which depends on this one (it completes logins with
 * AuthService.completeLogin): the MFA module registers itself here when it starts, so the two do not
 * import each other.
 */
export interface SecondFactor {
  /**
   * After a right password and a verified email: throws 401 MFA_REQUIRED (the account has MFA) or
   * 403 MFA_ENROLLMENT_REQUIRED (its role must have MFA and it has none), each with an mfaToken; returns
   * when the password is enough.
   */
  challenge(user: User, login: { remember: boolean }): Promise<void>;
  /** The principal of an enrolment mfaToken (a route declared `mfaEnrolment`); null when it is no live one. */
  enrolmentPrincipal(token: string): Promise<Principal | null>;
}

@Injectable()
export class SecondFactorPort {
  private registered?: SecondFactor;

  register(secondFactor: SecondFactor): void {
    this.registered = secondFactor;
  }

  /** Fails closed: without the MFA module no login completes (it would skip an account's second factor). */
  get(): SecondFactor {
    if (!this.registered) throw new Error('The MFA module is not loaded; logins cannot check a second factor');
    return this.registered;
  }
}
