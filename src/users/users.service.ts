import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { PasswordHasher } from './password-hasher.service';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AppException } from '../common/errors';
import { DatabaseConnection } from '../database/connection';
import { findOneWhere } from '../common/find-one';
import { insertOne } from '../common/insert-one';
import { likeEscape, pageOf } from '../common/pagination.dto';
import { AdminUserQueryDto } from './dto/admin-users.dto';
import { Role, User } from './user.entity';
import { PasswordChanged } from './users.events';
import { UsersAudit } from './users.audit';

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  title?: string | null;
  firstName: string;
  lastName: string;
  specialty?: string | null;
  ehrSystemType?: string | null;
  ehrSystemName?: string | null;
  emailVerified?: boolean;
}

export type ProfileChanges = Partial<Pick<User, 'title' | 'firstName' | 'lastName' | 'specialty' | 'ehrSystemType' | 'ehrSystemName'>>;

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates an account. A taken email (in any letter case) is 409 EMAIL_TAKEN, by the unique constraint. */
  async create(input: NewUser, manager: EntityManager = this.db.manager): Promise<User> {
    const { password, ...rest } = input;
    return this.createWithHash({ ...rest, passwordHash: await this.hasher.hash(password) }, manager);
  }

  /** As `create`, with the hash made beforehand (so a transaction is not held open while hashing). */
  async createWithHash(
    input: Omit<NewUser, 'password'> & { passwordHash: string },
    manager: EntityManager = this.db.manager,
  ): Promise<User> {
    const values = {
      email: input.email.trim().toLowerCase(),
      passwordHash: input.passwordHash,
      role: input.role,
      title: input.title ?? null,
      firstName: input.firstName,
      lastName: input.lastName,
      specialty: input.specialty ?? null,
      ehrSystemType: input.ehrSystemType ?? null,
      ehrSystemName: input.ehrSystemName ?? null,
      emailVerifiedAt: input.emailVerified ? new Date() : null,
      disabledAt: null,
    };
    // one INSERT, no transaction: of racing registrations the unique constraint lets one through
    return insertOne(manager, User, values);
  }

  /** Disables an account and revokes its tokens (used when its patient record is archived). */
  async disable(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE users SET disabled_at = coalesce(disabled_at, now()), token_version = token_version + 1, updated_at = now() WHERE id = $1`,
      [userId],
    );
  }

  findById(id: string): Promise<User | null> {
    return findOneWhere(this.db.manager, User, 'id = $1', [id]);
  }

  findByEmail(email: string): Promise<User | null> {
    return findOneWhere(this.db.manager, User, 'email = $1', [email.trim().toLowerCase()]);
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new AppException('NOT_FOUND', 'User not found');
    return user;
  }

  /** Admin list: oldest first, `q` matched against email and names (LIKE wildcards escaped). */
  async list(query: AdminUserQueryDto): Promise<{ rows: User[]; total: number; page: number; limit: number }> {
    const { page, limit, offset } = pageOf(query);
    const qb = this.users.createQueryBuilder('u');
    if (query.q) {
      qb.where(
        `(u.email ILIKE :q ESCAPE '\\' OR u.first_name ILIKE :q ESCAPE '\\' OR u.last_name ILIKE :q ESCAPE '\\' OR (u.first_name || ' ' || u.last_name) ILIKE :q ESCAPE '\\')`,
        { q: `%${likeEscape(query.q)}%` },
      );
    }
    const [rows, total] = await qb.orderBy('u.created_at', 'ASC').addOrderBy('u.id', 'ASC').skip(offset).take(limit).getManyAndCount();
    return { rows, total, page, limit };
  }

  /**
   * Role change and disable/enable, with the audit events, in one transaction. The active admins are
   * locked first, so two admins demoting each other at once cannot leave none.
   */
  async adminUpdate(actorId: string, userId: string, change: { role?: Role; disabled?: boolean }): Promise<User> {
    if (change.role === undefined && change.disabled === undefined) {
      throw AppException.validation([{ field: 'body', message: 'send role and/or disabled' }]);
    }
    await this.db.transaction(async (manager) => {
      const admins = await manager.query<Array<{ id: string }>>(
        `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
      );
      const rows = await manager.query<Array<{ role: Role; disabled: boolean }>>(
        `SELECT role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1 FOR UPDATE`,
        [userId],
      );
      const target = rows[0];
      if (!target) throw new AppException('NOT_FOUND', 'User not found');
      const losesAdmin =
        admins.some((a) => a.id === userId) && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
      if (losesAdmin && admins.length <= 1) throw new AppException('CONFLICT', 'The last active admin cannot be demoted or disabled');
      if (change.role !== undefined && change.role !== target.role) {
        // token_version + 1: a role change ends every session of the account (contract, Sessions v2)
        await manager.query(`UPDATE users SET role = $2, token_version = token_version + 1, updated_at = now() WHERE id = $1`, [
          userId,
          change.role,
        ]);
        await this.audit.record(
          { action: UsersAudit.roleChanged, actorId, targetId: userId, details: { from: target.role, to: change.role } },
          manager,
        );
      }
      if (change.disabled === true && !target.disabled) {
        // token_version + 1 revokes every token at once (the disabled flag alone would too; this also survives re-enabling)
        await manager.query(`UPDATE users SET disabled_at = now(), token_version = token_version + 1, updated_at = now() WHERE id = $1`, [
          userId,
        ]);
        await this.audit.record({ action: UsersAudit.disabled, actorId, targetId: userId }, manager);
      } else if (change.disabled === false && target.disabled) {
        await manager.query(`UPDATE users SET disabled_at = NULL, updated_at = now() WHERE id = $1`, [userId]);
        await this.audit.record({ action: UsersAudit.enabled, actorId, targetId: userId }, manager);
      }
    });
    return this.getById(userId);
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<User> {
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length > 0) await this.users.update({ id }, set);
    return this.getById(id);
  }

  /**
   * Stores a new password hash (made beforehand with PasswordHasher, so no transaction is held while
   * hashing) and revokes every token issued before (token version +1), inside the caller's
   * transaction; PasswordChanged lets other modules react in the same transaction.
   */
  async setPasswordHash(userId: string, passwordHash: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET password_hash = $2, token_version = token_version + 1, updated_at = now() WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
    await this.events.emitAsync(PasswordChanged.event, new PasswordChanged(userId, manager));
  }

  /**
   * Locks the account row in the caller's transaction: every change to what an account may do (role,
   * disable, subscription) takes this lock first, so such changes are serialised per account.
   */
  async lockAccount(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
  }

  /** POST /api/users/me/password: the current password must match; every earlier token is revoked. */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.getById(userId);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw AppException.validation([{ field: 'currentPassword', message: 'currentPassword is incorrect' }]);
    }
    const hash = await this.hasher.hash(newPassword);
    await this.db.transaction(async (manager) => {
      await this.setPasswordHash(userId, hash, manager);
      await this.audit.record({ action: UsersAudit.passwordChanged, actorId: userId, targetId: userId }, manager);
    });
  }

  /** The MFA module's flag on the account (in its transaction); the database announces the change to every instance. */
  async setMfaEnabled(userId: string, enabled: boolean, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET mfa_enabled = $2, updated_at = now() WHERE id = $1`, [userId, enabled]);
  }

  async markEmailVerified(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1`, [
      userId,
    ]);
  }

  /**
   * BOOTSTRAP_ADMIN_EMAIL/PASSWORD: when both are set and no admin exists, that verified admin is
   * created, at start or, if the database is not reachable yet, as soon as it is.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.bootstrapAdmin) return;
    await DatabaseConnection.of(this.db).whenReady('bootstrap admin', () => this.createBootstrapAdmin());
  }

  private async createBootstrapAdmin(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin) return;
    if (await this.users.existsBy({ role: 'admin' })) return;
    const existing = await this.findByEmail(admin.email);
    if (existing) {
      this.logger.warn(`BOOTSTRAP_ADMIN_EMAIL belongs to an existing ${existing.role} account; no admin was created`);
      return;
    }
    try {
      await this.create({
        email: admin.email,
        password: admin.password,
        role: 'admin',
        firstName: 'System',
        lastName: 'Administrator',
        emailVerified: true,
      });
      this.logger.log(`bootstrap admin ${admin.email} created`);
    } catch (error) {
      // another instance starting at the same moment created it first
      if ((error as { driverError?: { code?: string } }).driverError?.code !== '23505') throw error;
    }
  }
}
