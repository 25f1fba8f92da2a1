import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MailService } from '../mail/mail.service';
import { passwordResetMail, accountLockedMail, verificationMail } from '../mail/templates';
import { PasswordHasher } from '../users/password-hasher.service';
import { User } from '../users/user.entity';
import { PasswordChanged } from '../users/users.events';
import { UsersService } from '../users/users.service';
import { OneTimeTokenService } from './one-time-token.service';
import { VerificationAudit } from './verification.audit';

/**
 * Email verification and password reset. Mail goes out in the background: the HTTP answer never
 * waits for (or reveals) delivery, a failed delivery is logged and can be resent, and shutdown
 * waits for mail still being sent.
 */
@Injectable()
export class VerificationService implements OnModuleDestroy {
  private readonly logger = new Logger('Verification');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly tokens: OneTimeTokenService,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Issues a verification token and mails its link (in the background). */
  sendVerification(user: Pick<User, 'id' | 'email' | 'firstName'>): void {
    this.background('verification', () => this.mailVerificationLink(user));
  }

  private async mailVerificationLink(user: Pick<User, 'id' | 'email' | 'firstName'>): Promise<void> {
    const { token } = await this.tokens.issue('email_verification', user.id);
    const link = `${this.config.appUrl}/verify-email?token=${encodeURIComponent(token)}`;
    await this.mail.send(verificationMail(user.email, user.firstName, link));
  }

  /** Spends the token and marks the email verified, in one transaction. */
  async verify(token: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const spent = await this.tokens.consume('email_verification', token, manager);
      if (!spent.userId) return;
      await this.users.markEmailVerified(spent.userId, manager);
      await this.audit.record({ action: VerificationAudit.emailVerified, actorId: spent.userId, targetId: spent.userId }, manager);
    });
  }

  /** Mails a new link to an unverified account; says nothing about whether the account exists. */
  resend(email: string): void {
    this.background('verification', async () => {
      const user = await this.users.findByEmail(email);
      if (user && !user.emailVerifiedAt) await this.mailVerificationLink(user);
    });
  }

  /** Mails a single-use reset link when the account exists; says nothing either way. */
  forgotPassword(email: string): void {
    this.background('password reset', async () => {
      const user = await this.users.findByEmail(email);
      // audited whether or not the account exists; repeats from one client within a minute are one event
      await this.audit.recordCoalesced(
        { action: VerificationAudit.passwordResetRequested, targetId: user?.id ?? null, details: { email } },
        'POST /api/password/forgot',
      );
      if (!user) return;
      const { token } = await this.tokens.issue('password_reset', user.id);
      const link = `${this.config.appUrl}/reset-password?token=${encodeURIComponent(token)}`;
      await this.mail.send(passwordResetMail(user.email, user.firstName, link));
    });
  }

  /**
   * Tells the owner that their email was locked after failed logins from many addresses, with a
   * single-use reset link (in the background). Called once per lock.
   */
  sendLockoutNotice(user: Pick<User, 'id' | 'email' | 'firstName'>): void {
    this.background('lockout notice', async () => {
      const { token } = await this.tokens.issue('password_reset', user.id);
      const link = `${this.config.appUrl}/reset-password?token=${encodeURIComponent(token)}`;
      await this.mail.send(accountLockedMail(user.email, user.firstName, link));
    });
  }

  /**
   * Spends the reset token and sets the password; every earlier token of the account is revoked.
   * Proving control of the mailbox also verifies the email.
   */
  async resetPassword(token: string, password: string): Promise<void> {
    // a cheap check first, so that junk tokens cost no argon2 hash; then hash outside the transaction
    if (!(await this.tokens.isUsable('password_reset', token))) throw new AppException('TOKEN_USED_OR_EXPIRED');
    const hash = await this.hasher.hash(password);
    await this.db.transaction(async (manager) => {
      const spent = await this.tokens.consume('password_reset', token, manager);
      if (!spent.userId) return;
      await this.users.setPasswordHash(spent.userId, hash, manager);
      await this.users.markEmailVerified(spent.userId, manager);
      await this.audit.record({ action: VerificationAudit.passwordReset, actorId: spent.userId, targetId: spent.userId }, manager);
    });
  }

  /** A new password (changed or reset) retires the reset links sent before it, in the same transaction. */
  @OnEvent(PasswordChanged.event, { suppressErrors: false })
  async onPasswordChanged({ userId, manager }: PasswordChanged): Promise<void> {
    await this.tokens.retire(userId, 'password_reset', manager);
  }

  private background(what: string, work: () => Promise<void>): void {
    const job = work().catch((error: unknown) => {
      this.logger.error(
        `sending the ${what} mail failed: ${error instanceof Error ? error.message : String(error)}; the user can ask again`,
      );
    });
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** Lets mail already being sent finish before the process exits. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
