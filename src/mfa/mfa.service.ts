import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import * as QRCode from 'qrcode';
import { DataSource, EntityManager } from 'typeorm';
import { LockoutService } from '../abuse/lockout.service';
import { AuditService } from '../audit/audit.service';
import { AuthAudit } from '../auth/auth.audit';
import { AuthService } from '../auth/auth.service';
import { currentClient } from '../common/request-context';
import { LoginResponseDto } from '../auth/dto/auth.dto';
import type { Principal } from '../auth/principal';
import { SecondFactor, SecondFactorPort } from '../auth/second-factor';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { PasswordHasher } from '../users/password-hasher.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { accountViewOf } from '../users/dto/users.dto';
import { DataEncryption, developmentDataKey } from './data-encryption';
import { LoginMfaDto, TotpConfirmResponseDto, TotpSetupResponseDto } from './dto/mfa.dto';
import { MfaAudit } from './mfa.audit';
import { MfaDisabled } from './mfa.events';
import { acceptedStep, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, otpauthUri, recoveryCodeHash } from './totp';

/** How long an mfaToken lives, and how many wrong codes it takes (contract v2). */
export const MFA_TOKEN_TTL_SECONDS = 5 * 60;
export const MFA_TOKEN_MAX_FAILURES = 5;

type CodeCheck = 'ok' | 'wrong' | 'replayed';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * TOTP (RFC 6238) as a second factor: enrolment, the second step of login, recovery codes, the
 * required-MFA policy, and turning it off or resetting it. Registers itself as the login's
 * SecondFactor (see SecondFactorPort) and completes logins through AuthService.completeLogin.
 */
@Injectable()
export class MfaService implements SecondFactor, OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Mfa');
  private encryptionInstance?: DataEncryption;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly auth: AuthService,
    private readonly port: SecondFactorPort,
    private readonly audit: AuditService,
    private readonly lockout: LockoutService,
    private readonly events: EventEmitter2,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.port.register(this);
  }

  /**
   * In production, refuses to start without DATA_ENCRYPTION_KEY once any account has a TOTP secret;
   * then re-encrypts, under the current key, every secret still under a previous one (rotation).
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.mfa.encryptionKey && this.config.env === 'production') {
      const [row] = await this.db.query<Array<{ any: boolean }>>(`SELECT EXISTS (SELECT 1 FROM mfa_totp) AS any`);
      if (row?.any)
        throw new Error('DATA_ENCRYPTION_KEY is required when NODE_ENV=production and accounts have multi-factor authentication');
      return;
    }
    if (this.config.mfa.previousEncryptionKeys.length > 0) await this.reencrypt();
  }

  /** The AES-256-GCM box for secrets: DATA_ENCRYPTION_KEY, or outside production the development key in DATA_DIR. */
  private encryption(): DataEncryption {
    if (this.encryptionInstance) return this.encryptionInstance;
    let key = this.config.mfa.encryptionKey;
    if (!key) {
      if (this.config.env === 'production') {
        throw new AppException('SERVICE_UNAVAILABLE', 'Multi-factor authentication is not configured (DATA_ENCRYPTION_KEY)');
      }
      const dev = developmentDataKey(this.config.dataDir);
      key = dev.key;
      this.logger.warn(
        `DATA_ENCRYPTION_KEY is not set: ${dev.created ? 'made a development data-encryption key in' : 'using the development data-encryption key in'} ${dev.file} (refused when NODE_ENV=production)`,
      );
    }
    this.encryptionInstance = new DataEncryption(key, this.config.mfa.previousEncryptionKeys);
    return this.encryptionInstance;
  }

  /** Every secret not under the current key, decrypted with its old key and written under the current one. */
  async reencrypt(): Promise<{ reencrypted: number; unreadable: number }> {
    const box = this.encryption();
    const rows = await this.db.query<Array<{ user_id: string; secret_ciphertext: string }>>(
      `SELECT user_id, secret_ciphertext FROM mfa_totp WHERE split_part(secret_ciphertext, '.', 2) <> $1`,
      [box.currentKeyId],
    );
    let reencrypted = 0;
    let unreadable = 0;
    for (const row of rows) {
      let plaintext: string;
      try {
        plaintext = box.decrypt(row.secret_ciphertext, row.user_id).plaintext;
      } catch {
        unreadable++;
        continue;
      }
      // compare-and-set: another instance doing the same, or a new setup, wins
      const [, count] = await this.db.query<[unknown[], number]>(
        `UPDATE mfa_totp SET secret_ciphertext = $3 WHERE user_id = $1 AND secret_ciphertext = $2 RETURNING user_id`,
        [row.user_id, row.secret_ciphertext, box.encrypt(plaintext, row.user_id)],
      );
      reencrypted += count;
    }
    if (reencrypted > 0) this.logger.log(`re-encrypted ${reencrypted} TOTP secret(s) under the current DATA_ENCRYPTION_KEY`);
    if (unreadable > 0)
      this.logger.error(
        `${unreadable} TOTP secret(s) are under a key that is neither DATA_ENCRYPTION_KEY nor in DATA_ENCRYPTION_KEY_PREVIOUS`,
      );
    return { reencrypted, unreadable };
  }

  // ---- login ----

  /** SecondFactor: MFA_REQUIRED for an account with MFA, MFA_ENROLLMENT_REQUIRED for a role that needs it. */
  async challenge(user: User, login: { remember: boolean }): Promise<void> {
    if (user.mfaEnabled) {
      const mfaToken = await this.newChallenge(user.id, 'login', login.remember);
      await this.audit.record({ action: MfaAudit.challenged, actorId: user.id, targetId: user.id, details: { purpose: 'login' } });
      throw new AppException('MFA_REQUIRED', undefined, undefined, undefined, { status: 401, fields: { mfaToken } });
    }
    if (this.roleRequiresMfa(user.role)) {
      const mfaToken = await this.newChallenge(user.id, 'enrol', login.remember);
      await this.audit.record({ action: MfaAudit.challenged, actorId: user.id, targetId: user.id, details: { purpose: 'enrol' } });
      throw new AppException('MFA_ENROLLMENT_REQUIRED', undefined, undefined, undefined, { fields: { mfaToken } });
    }
  }

  roleRequiresMfa(role: string): boolean {
    return (this.config.mfa.requiredRoles as string[]).includes(role);
  }

  /** 32 random bytes, base64url; only its SHA-256 is stored. Spent tokens older than a day are swept on the way. */
  private async newChallenge(userId: string, purpose: 'login' | 'enrol', remember: boolean): Promise<string> {
    await this.db.query(`DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 day'`);
    const token = randomBytes(32).toString('base64url');
    await this.db.query(
      `INSERT INTO mfa_challenges (user_id, token_hash, purpose, remember, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [userId, sha256(token), purpose, remember, MFA_TOKEN_TTL_SECONDS],
    );
    return token;
  }

  /** A live challenge of this purpose: unused, unexpired, fewer than 5 wrong codes. */
  private async liveChallenge(
    token: string,
    purpose: 'login' | 'enrol',
  ): Promise<{ id: string; userId: string; remember: boolean; expiresAt: number } | null> {
    const rows = await this.db.query<Array<{ id: string; user_id: string; remember: boolean; exp: number }>>(
      `SELECT id, user_id, remember, extract(epoch FROM expires_at)::float8 AS exp FROM mfa_challenges
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND failures < $3 AND expires_at > now()`,
      [sha256(token), purpose, MFA_TOKEN_MAX_FAILURES],
    );
    const row = rows[0];
    return row ? { id: row.id, userId: row.user_id, remember: row.remember, expiresAt: Math.floor(row.exp) } : null;
  }

  /** SecondFactor: the enrolment mfaToken as a principal for setup and confirm, and for nothing else. */
  async enrolmentPrincipal(token: string): Promise<Principal | null> {
    if (token.length > 100) return null;
    const challenge = await this.liveChallenge(token, 'enrol');
    if (!challenge) return null;
    const user = await this.users.findById(challenge.userId);
    if (!user || user.disabledAt || !user.emailVerifiedAt) return null;
    return {
      id: user.id,
      role: user.role,
      emailVerified: true,
      tokenId: challenge.id,
      tokenExpiresAt: challenge.expiresAt,
      sessionId: null,
      subscription: null,
      account: accountViewOf(user),
      amr: [],
      mfaEnrolment: true,
    };
  }

  /**
   * POST /api/login/mfa. The mfaToken must be live (else 410 TOKEN_USED_OR_EXPIRED); a locked email
   * is 429 ACCOUNT_LOCKED; a wrong or replayed code counts against the token (5 kill it) and toward
   * the login lockout, like a wrong password (401 INVALID_CREDENTIALS).
   */
  async loginWithSecondFactor(dto: LoginMfaDto): Promise<LoginResponseDto> {
    if (dto.code !== undefined && dto.recoveryCode !== undefined) {
      throw AppException.validation([{ field: 'recoveryCode', message: 'send code or recoveryCode, not both' }]);
    }
    const challenge = await this.liveChallenge(dto.mfaToken, 'login');
    if (!challenge)
      throw new AppException(
        'TOKEN_USED_OR_EXPIRED',
        'This mfaToken has been used, has expired or has had too many wrong codes; log in again',
      );
    const user = await this.users.findById(challenge.userId);
    if (!user || user.disabledAt || !user.mfaEnabled)
      throw new AppException('TOKEN_USED_OR_EXPIRED', 'This mfaToken is no longer valid; log in again');
    const locked = await this.lockout.lockedFor(user.email, currentClient().ip);
    if (locked.seconds > 0) {
      await this.audit.record({
        action: AuthAudit.loginLocked,
        targetId: user.id,
        details: { email: user.email, scope: locked.scope, stage: 'mfa' },
      });
      throw new AppException('ACCOUNT_LOCKED', undefined, undefined, { 'retry-after': String(locked.seconds) });
    }
    const check: CodeCheck | 'recovery' =
      dto.code !== undefined
        ? await this.checkTotp(user.id, dto.code, 'confirmed')
        : await this.useRecoveryCode(user.id, dto.recoveryCode!);
    if (check !== 'ok' && check !== 'recovery') {
      const [rows] = await this.db.query<[Array<{ failures: number }>, number]>(
        `UPDATE mfa_challenges SET failures = failures + 1, updated_at = now() WHERE id = $1 RETURNING failures`,
        [challenge.id],
      );
      await this.failed(user, {
        stage: 'login',
        reason: dto.code !== undefined ? check : 'wrong_recovery_code',
        attempt: rows[0]?.failures,
      });
      throw new AppException('INVALID_CREDENTIALS');
    }
    const [, claimed] = await this.db.query<[unknown[], number]>(
      `UPDATE mfa_challenges SET used_at = now(), updated_at = now() WHERE id = $1 AND used_at IS NULL AND failures < $2 AND expires_at > now() RETURNING id`,
      [challenge.id, MFA_TOKEN_MAX_FAILURES],
    );
    if (claimed === 0) throw new AppException('TOKEN_USED_OR_EXPIRED', 'This mfaToken has been used or has expired; log in again');
    await this.lockout.reset(user.email, currentClient().ip);
    return this.auth.completeLogin(user, { remember: challenge.remember, amr: ['pwd', 'otp'] });
  }

  /** A wrong second factor: audited, and counted toward the login lockout for the account's email from this client. */
  private async failed(user: User, details: Record<string, unknown>): Promise<void> {
    await this.audit.record({ action: MfaAudit.failed, actorId: user.id, targetId: user.id, details });
    const outcome = await this.lockout.recordFailure(user.email, currentClient().ip);
    for (const scope of ['client', 'email'] as const) {
      if (!(scope === 'client' ? outcome.clientLocked : outcome.emailLocked)) continue;
      await this.audit.record({
        action: AuthAudit.loginLocked,
        targetId: user.id,
        details: { email: user.email, scope, lockedNow: true, stage: 'mfa' },
      });
    }
  }

  /**
   * Checks a code against the account's secret (pending for confirm, confirmed otherwise) and, when
   * right, records its time step atomically: of two requests with one code, one wins. A secret still
   * under a previous key is written again under the current one.
   */
  private async checkTotp(userId: string, code: string, state: 'pending' | 'confirmed'): Promise<CodeCheck> {
    const rows = await this.db.query<Array<{ secret_ciphertext: string; last_used_step: string | null; confirmed: boolean }>>(
      `SELECT secret_ciphertext, last_used_step, confirmed_at IS NOT NULL AS confirmed FROM mfa_totp WHERE user_id = $1`,
      [userId],
    );
    const row = rows[0];
    if (!row || row.confirmed !== (state === 'confirmed')) return 'wrong';
    const box = this.encryption();
    let plaintext: string;
    let stale: boolean;
    try {
      ({ plaintext, stale } = box.decrypt(row.secret_ciphertext, userId));
    } catch (error) {
      // a key that is neither DATA_ENCRYPTION_KEY nor in DATA_ENCRYPTION_KEY_PREVIOUS, or an altered value:
      // the server's fault, not the user's (no failure is counted)
      this.logger.error(
        `the TOTP secret of account ${userId} cannot be decrypted: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw new AppException('SERVICE_UNAVAILABLE', 'The second factor cannot be checked at the moment');
    }
    const result = acceptedStep(plaintext, code, Date.now(), row.last_used_step === null ? null : Number(row.last_used_step));
    if (result.step === null) return result.replayed ? 'replayed' : 'wrong';
    const [, updated] = await this.db.query<[unknown[], number]>(
      `UPDATE mfa_totp SET last_used_step = $2, secret_ciphertext = coalesce($3, secret_ciphertext), updated_at = now()
        WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id`,
      [userId, result.step, stale ? box.encrypt(plaintext, userId) : null],
    );
    return updated === 1 ? 'ok' : 'replayed';
  }

  /** Spends a recovery code, once ever (atomic); audited with how many are left. */
  private async useRecoveryCode(userId: string, input: string): Promise<'recovery' | 'wrong'> {
    const canonical = normalizeRecoveryCode(input);
    if (!canonical) return 'wrong';
    const [, used] = await this.db.query<[unknown[], number]>(
      `UPDATE mfa_recovery_codes SET used_at = now(), updated_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, recoveryCodeHash(canonical)],
    );
    if (used === 0) return 'wrong';
    const [left] = await this.db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    await this.audit.record({ action: MfaAudit.recoveryCodeUsed, actorId: userId, targetId: userId, details: { remaining: left?.n ?? 0 } });
    return 'recovery';
  }

  // ---- enrolment and management ----

  private async withPassword(principal: Principal, password: string): Promise<User> {
    const user = await this.users.getById(principal.id);
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      throw AppException.validation([{ field: 'password', message: 'password is incorrect' }]);
    }
    return user;
  }

  /** POST /api/mfa/totp/setup: a new pending secret (replacing an unconfirmed one); 409 when MFA is already on. */
  async setup(principal: Principal, password: string): Promise<TotpSetupResponseDto> {
    const user = await this.withPassword(principal, password);
    if (user.mfaEnabled) throw new AppException('CONFLICT', 'Multi-factor authentication is already on');
    const secret = newTotpSecret();
    const stored = await this.db.query<unknown[]>(
      `INSERT INTO mfa_totp (user_id, secret_ciphertext) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, last_used_step = NULL, created_at = now(), updated_at = now()
        WHERE mfa_totp.confirmed_at IS NULL
       RETURNING user_id`,
      [user.id, this.encryption().encrypt(secret, user.id)],
    );
    if (stored.length === 0) throw new AppException('CONFLICT', 'Multi-factor authentication is already on');
    const uri = otpauthUri(secret, this.config.mfa.issuer, user.email);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { success: true, secret, otpauthUri: uri, qrSvg };
  }

  /**
   * POST /api/mfa/totp/confirm: the first code turns MFA on and returns 10 recovery codes. With the
   * enrolment mfaToken, the enrolment completes the login too (`login`), and the token is spent.
   */
  async confirm(principal: Principal, code: string): Promise<TotpConfirmResponseDto> {
    const user = await this.users.getById(principal.id);
    const [pending] = await this.db.query<Array<{ confirmed: boolean }>>(
      `SELECT confirmed_at IS NOT NULL AS confirmed FROM mfa_totp WHERE user_id = $1`,
      [user.id],
    );
    if (!pending) throw new AppException('CONFLICT', 'Set up multi-factor authentication first (POST /api/mfa/totp/setup)');
    if (pending.confirmed || user.mfaEnabled) throw new AppException('CONFLICT', 'Multi-factor authentication is already on');
    const check = await this.checkTotp(user.id, code, 'pending');
    if (check !== 'ok') {
      if (principal.mfaEnrolment) {
        await this.db.query(`UPDATE mfa_challenges SET failures = failures + 1, updated_at = now() WHERE id = $1`, [principal.tokenId]);
        await this.failed(user, { stage: 'confirm', reason: check });
      } else {
        await this.audit.record({
          action: MfaAudit.failed,
          actorId: user.id,
          targetId: user.id,
          details: { stage: 'confirm', reason: check },
        });
      }
      throw AppException.validation([{ field: 'code', message: 'code is incorrect or already used' }]);
    }
    const recoveryCodes = newRecoveryCodes();
    let remember = false;
    await this.db.transaction(async (manager) => {
      const [, confirmed] = await manager.query<[unknown[], number]>(
        `UPDATE mfa_totp SET confirmed_at = now(), updated_at = now() WHERE user_id = $1 AND confirmed_at IS NULL RETURNING user_id`,
        [user.id],
      );
      if (confirmed === 0) throw new AppException('CONFLICT', 'Multi-factor authentication is already on');
      await this.replaceRecoveryCodes(user.id, recoveryCodes, manager);
      await this.users.setMfaEnabled(user.id, true, manager);
      if (principal.mfaEnrolment) {
        const [rows, spent] = await manager.query<[Array<{ remember: boolean }>, number]>(
          `UPDATE mfa_challenges SET used_at = now(), updated_at = now() WHERE id = $1 AND used_at IS NULL RETURNING remember`,
          [principal.tokenId],
        );
        if (spent === 0) throw new AppException('TOKEN_INVALID');
        remember = rows[0].remember;
      }
      await this.audit.record(
        {
          action: MfaAudit.enabled,
          actorId: user.id,
          targetId: user.id,
          details: { method: 'totp', via: principal.mfaEnrolment ? 'enrolment' : 'access_token' },
        },
        manager,
      );
    });
    if (!principal.mfaEnrolment) return { success: true, recoveryCodes };
    await this.lockout.reset(user.email, currentClient().ip);
    const login = await this.auth.completeLogin({ ...user, mfaEnabled: true }, { remember, amr: ['pwd', 'otp'] });
    return { success: true, recoveryCodes, login };
  }

  private async replaceRecoveryCodes(userId: string, codes: string[], manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
    for (const code of codes) {
      await manager.query(`INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, [
        userId,
        recoveryCodeHash(normalizeRecoveryCode(code)!),
      ]);
    }
  }

  /** The password and a current code, for changing the factor itself (400 VALIDATION_ERROR naming the wrong one). */
  private async withBothFactors(principal: Principal, password: string, code: string, stage: string): Promise<User> {
    const user = await this.withPassword(principal, password);
    if (!user.mfaEnabled) throw new AppException('CONFLICT', 'Multi-factor authentication is not on');
    const check = await this.checkTotp(user.id, code, 'confirmed');
    if (check !== 'ok') {
      await this.failed(user, { stage, reason: check });
      throw AppException.validation([{ field: 'code', message: 'code is incorrect or already used' }]);
    }
    return user;
  }

  /** POST /api/mfa/recovery-codes: a fresh set of 10; the old ones stop working. */
  async regenerateRecoveryCodes(principal: Principal, password: string, code: string): Promise<string[]> {
    const user = await this.withBothFactors(principal, password, code, 'recovery_codes');
    const recoveryCodes = newRecoveryCodes();
    await this.db.transaction(async (manager) => {
      await this.replaceRecoveryCodes(user.id, recoveryCodes, manager);
      await this.audit.record({ action: MfaAudit.recoveryCodesRegenerated, actorId: user.id, targetId: user.id }, manager);
    });
    return recoveryCodes;
  }

  /**
   * DELETE /api/mfa/totp: off, with the password and a current code; 409 CONFLICT while the role
   * requires MFA. After the commit, MfaDisabled (the user's other sessions end).
   */
  async disable(principal: Principal, password: string, code: string): Promise<void> {
    if (this.roleRequiresMfa(principal.role)) {
      throw new AppException('CONFLICT', `Multi-factor authentication is required for the ${principal.role} role and cannot be turned off`);
    }
    const user = await this.withBothFactors(principal, password, code, 'disable');
    await this.db.transaction(async (manager) => {
      await this.removeFactor(user.id, manager);
      await this.audit.record({ action: MfaAudit.disabled, actorId: user.id, targetId: user.id }, manager);
    });
    await this.events.emitAsync(MfaDisabled.event, new MfaDisabled(user.id, principal.sessionId));
  }

  /** DELETE /api/admin/users/:id/mfa: the secret, recovery codes and pending mfaTokens are gone; the next login sets up again if the role requires it. */
  async adminReset(actorId: string, userId: string): Promise<{ wasEnabled: boolean }> {
    const user = await this.users.getById(userId);
    await this.db.transaction(async (manager) => {
      await this.removeFactor(user.id, manager);
      await manager.query(`DELETE FROM mfa_challenges WHERE user_id = $1`, [user.id]);
      await this.audit.record({ action: MfaAudit.reset, actorId, targetId: user.id, details: { wasEnabled: user.mfaEnabled } }, manager);
    });
    await this.events.emitAsync(MfaDisabled.event, new MfaDisabled(user.id, null));
    return { wasEnabled: user.mfaEnabled };
  }

  private async removeFactor(userId: string, manager: EntityManager): Promise<void> {
    await this.users.lockAccount(userId, manager);
    await manager.query(`DELETE FROM mfa_totp WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
    await this.users.setMfaEnabled(userId, false, manager);
  }
}
