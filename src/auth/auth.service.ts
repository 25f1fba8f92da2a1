import { Injectable } from '@nestjs/common';
import { LockoutService } from '../abuse/lockout.service';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { MetricsService } from '../observability/metrics.service';
import { AppException } from '../common/errors';
import { currentClient } from '../common/request-context';
import type { SubscriptionState } from '../subscriptions/plans';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { profileFromDto } from '../users/dto/users.dto';
import { PasswordHasher } from '../users/password-hasher.service';
import { SessionsService } from '../sessions/sessions.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { VerificationService } from '../verification/verification.service';
import type { Principal } from './principal';
import { LoginDto, LoginResponseDto, RefreshResponseDto, RegisterDto, RegisterResponseDto } from './dto/auth.dto';
import { permissionsFor } from './permissions';
import { Amr, TokenService } from './token.service';
import { AccessStateService } from './access-state.service';
import { AuthAudit } from './auth.audit';
import { SecondFactorPort } from './second-factor';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly verification: VerificationService,
    private readonly subscriptions: SubscriptionsService,
    private readonly audit: AuditService,
    private readonly lockout: LockoutService,
    private readonly metrics: MetricsService,
    private readonly sessions: SessionsService,
    private readonly secondFactor: SecondFactorPort,
    private readonly access: AccessStateService,
  ) {}

  /**
   * Self-registration always makes a `doctor`. The account is committed first and the verification
   * mail follows in the background: a mail failure never undoes the account, and the user can ask
   * for another link (POST /api/verification/resend).
   */
  async register(dto: RegisterDto): Promise<RegisterResponseDto> {
    const { firstName, lastName, ...profile } = profileFromDto(dto);
    const user = await this.users.create({
      email: dto.email,
      password: dto.password,
      role: 'doctor',
      firstName: firstName!,
      lastName: lastName!,
      ...profile,
    });
    await this.audit.record({ action: AuthAudit.registered, actorId: user.id, targetId: user.id, details: { role: 'doctor' } });
    this.verification.sendVerification(user);
    return { success: true, uid: user.id, email: user.email, emailVerified: false };
  }

  /**
   * A wrong password is INVALID_CREDENTIALS whether or not the account exists (an unknown email
   * still spends one argon2 verification); only a right password reveals EMAIL_NOT_VERIFIED. A
   * disabled account gets INVALID_CREDENTIALS too, so its state is not revealed. A locked email gets
   * ACCOUNT_LOCKED before any password is checked, even the right one: locked for this client IP after
   * LOGIN_LOCKOUT failures from it, or everywhere after LOGIN_LOCKOUT_GLOBAL failures from anywhere
   * (then its owner, if any, is mailed a reset link once per lock).
   *
   * Then the second factor (the MFA module): an account with MFA gets 401 MFA_REQUIRED with an
   * mfaToken for POST /api/login/mfa, one whose role needs MFA and has none 403 MFA_ENROLLMENT_REQUIRED.
   * For such an account the right password does not clear the lockout count: only the right code does,
   * so wrong codes (which count as failures) cannot be interleaved with passwords to dodge the lock.
   */
  async login(dto: LoginDto): Promise<LoginResponseDto> {
    const { ip } = currentClient();
    const locked = await this.lockout.lockedFor(dto.email, ip);
    if (locked.seconds > 0) {
      this.metrics.logins.inc({ outcome: 'locked' });
      await this.audit.record({ action: AuthAudit.loginLocked, details: { email: dto.email, scope: locked.scope } });
      throw new AppException('ACCOUNT_LOCKED', undefined, undefined, { 'retry-after': String(locked.seconds) });
    }
    const found = await this.access.forLogin(dto.email);
    const user = found?.user ?? null;
    const ok = await this.hasher.verify(user?.passwordHash, dto.password);
    if (!user || !ok || user.disabledAt) {
      const reason = !user ? 'unknown_email' : !ok ? 'wrong_password' : 'disabled';
      this.metrics.logins.inc({ outcome: 'invalid_credentials' });
      const outcome = await this.lockout.recordFailure(dto.email, ip);
      await this.audit.record({ action: AuthAudit.loginFailed, targetId: user?.id ?? null, details: { email: dto.email, reason } });
      for (const scope of ['client', 'email'] as const) {
        if (!(scope === 'client' ? outcome.clientLocked : outcome.emailLocked)) continue;
        await this.audit.record({
          action: AuthAudit.loginLocked,
          targetId: user?.id ?? null,
          details: { email: dto.email, scope, lockedNow: true },
        });
      }
      // the owner learns of a distributed guess once per lock, with a way back in that needs their mailbox
      if (outcome.emailLocked && user && !user.disabledAt) this.verification.sendLockoutNotice(user);
      throw new AppException('INVALID_CREDENTIALS');
    }
    if (!user.mfaEnabled) await this.lockout.reset(dto.email, ip);
    if (!user.emailVerifiedAt) {
      this.metrics.logins.inc({ outcome: 'email_not_verified' });
      await this.audit.record({
        action: AuthAudit.loginFailed,
        targetId: user.id,
        details: { email: dto.email, reason: 'email_not_verified' },
      });
      throw new AppException('EMAIL_NOT_VERIFIED');
    }
    try {
      await this.secondFactor.get().challenge(user, { remember: dto.remember === true });
    } catch (error) {
      this.metrics.logins.inc({ outcome: 'mfa_required' });
      throw error;
    }
    return this.completeLogin(user, { remember: dto.remember === true, amr: ['pwd'] }, found!.subscription);
  }

  /**
   * The end of every successful login, by password alone or with a second factor (POST
   * /api/login/mfa, or confirming MFA with an enrolment token): a new session, its first access and
   * refresh tokens, the metric, the audit event and the login response.
   */
  async completeLogin(
    user: User,
    options: { remember: boolean; amr: Amr[] },
    /** The account's subscription when the caller has read it already (the password login: AccessStateService.forLogin). */
    known?: SubscriptionState | null,
  ): Promise<LoginResponseDto> {
    const subscription = known !== undefined ? known : await this.subscriptions.current(user.id);
    // the login's audit event commits with the session it started
    const { token, expiresAt, refreshToken, sessionId } = await this.signIn(user, options, (id) => [
      {
        action: AuthAudit.loginSucceeded,
        actorId: user.id,
        targetId: user.id,
        details: { remember: options.remember, amr: options.amr, sessionId: id },
      },
    ]);
    this.metrics.logins.inc({ outcome: 'succeeded' });
    return {
      success: true,
      token,
      refreshToken,
      sessionId,
      uid: user.id,
      userTitle: user.title,
      firstName: user.firstName,
      lastName: user.lastName,
      role: user.role,
      emailVerified: true,
      expiresAt: expiresAt.toISOString(),
      permissions: permissionsFor(user.role, subscription),
    };
  }

  /** A session for a user who passed every check (also the demo login's), with its first tokens. */
  async signIn(
    user: User,
    options: { remember: boolean; amr: Amr[] },
    alsoRecord?: (sessionId: string) => AuditEntry[],
  ): Promise<{ token: string; expiresAt: Date; refreshToken: string; sessionId: string }> {
    const { session, refreshToken, startedAt } = await this.sessions.start(user, options, alsoRecord);
    const { token, expiresAt } = await this.tokens.issue(session, startedAt);
    return { token, expiresAt, refreshToken, sessionId: session.id };
  }

  /** POST /api/token/refresh: the session's next access token and the refresh token's successor (SessionsService.rotate). */
  async refresh(refreshToken: string): Promise<RefreshResponseDto> {
    const { session, refreshToken: successor } = await this.sessions.rotate(refreshToken);
    const { token, expiresAt } = await this.tokens.issue(session);
    return { success: true, token, refreshToken: successor, expiresAt: expiresAt.toISOString() };
  }

  /** Ends the session of this token: its access and refresh tokens are refused from now on, on every instance. */
  async logout(principal: Principal): Promise<void> {
    if (principal.sessionId) await this.sessions.end(principal.sessionId, 'logout', principal.id);
    await this.audit.record({
      action: AuthAudit.logout,
      actorId: principal.id,
      targetId: principal.id,
      details: { sessionId: principal.sessionId },
    });
  }
}
