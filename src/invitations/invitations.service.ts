import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MailService } from '../mail/mail.service';
import { invitationMail } from '../mail/templates';
import { PatientsService } from '../patients/patients.service';
import { PasswordHasher } from '../users/password-hasher.service';
import { UsersService } from '../users/users.service';
import { OneTimeTokenService } from '../verification/one-time-token.service';
import { InvitationsAudit } from './invitations.audit';

/**
 * Patient-portal invitations: a doctor emails a single-use, 7-day link; accepting it creates a
 * verified `patient` account linked to the patient. The token is the verification module's, the
 * account the users module's and the link the patients module's: each written by its own module.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly patients: PatientsService,
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokenService,
    private readonly hasher: PasswordHasher,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Emails the invitation (the route's `owns` rule has checked the patient); an earlier one stops working. */
  async invite(user: Principal, patientId: string, email: string): Promise<{ expiresAt: Date }> {
    const patient = await this.patients.get(patientId);
    if (patient.userId) throw new AppException('CONFLICT', 'This patient already has a portal account');
    if (await this.users.findByEmail(email)) throw new AppException('EMAIL_TAKEN');
    const issued = await this.db.transaction(async (manager) => {
      await this.tokens.retireInvitations(patientId, manager);
      return this.tokens.issue('invitation', null, { patientId, email }, manager);
    });
    const link = `${this.config.appUrl}/accept-invitation?token=${encodeURIComponent(issued.token)}`;
    try {
      await this.mail.send(invitationMail(email, patient.firstName, link));
    } catch {
      throw new AppException('UPSTREAM_ERROR', 'The invitation email could not be sent; try again');
    }
    await this.audit.record({ action: InvitationsAudit.sent, actorId: user.id, targetId: patientId, targetType: 'patient' });
    return { expiresAt: issued.expiresAt };
  }

  /** Spends the invitation: a verified `patient` account with the invited email, linked to the patient, in one transaction. */
  async accept(token: string, password: string): Promise<{ id: string; email: string }> {
    // a cheap check first, so that junk tokens cost no argon2 hash; then hash outside the transaction
    if (!(await this.tokens.isUsable('invitation', token))) throw new AppException('TOKEN_USED_OR_EXPIRED');
    const passwordHash = await this.hasher.hash(password);
    return this.db.transaction(async (manager) => {
      const spent = await this.tokens.consume('invitation', token, manager);
      const { patientId, email } = spent.payload as { patientId: string; email: string };
      const patient = await this.patients.lockForPortalAccount(patientId, manager);
      if (!patient) throw new AppException('TOKEN_USED_OR_EXPIRED', 'This invitation is no longer valid');
      const account = await this.users.createWithHash(
        { email, passwordHash, role: 'patient', firstName: patient.firstName, lastName: patient.lastName, emailVerified: true },
        manager,
      );
      await this.patients.linkPortalAccount(patientId, account.id, manager);
      await this.audit.record(
        { action: InvitationsAudit.accepted, actorId: account.id, targetId: patientId, targetType: 'patient' },
        manager,
      );
      return { id: account.id, email: account.email };
    });
  }
}
