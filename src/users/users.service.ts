import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { PasswordHasher } from './password-hasher.service';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AppException } from '../common/errors';
import { Role, User } from './user.entity';

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

/** The per-request view of an account: what the auth guard needs to decide, from one indexed query. */
export interface AccessState {
  id: string;
  role: Role;
  emailVerified: boolean;
  tokenVersion: number;
  jtiRevoked: boolean;
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates an account. A taken email (in any letter case) is 409 EMAIL_TAKEN, by the unique constraint. */
  async create(input: NewUser, manager: EntityManager = this.db.manager): Promise<User> {
    const passwordHash = await this.hasher.hash(input.password);
    const values = {
      email: input.email.trim().toLowerCase(),
      passwordHash,
      role: input.role,
      title: input.title ?? null,
      firstName: input.firstName,
      lastName: input.lastName,
      specialty: input.specialty ?? null,
      ehrSystemType: input.ehrSystemType ?? null,
      ehrSystemName: input.ehrSystemName ?? null,
      emailVerifiedAt: input.emailVerified ? new Date() : null,
    };
    // one autocommitted INSERT (save() would wrap it in a transaction for nothing)
    const result = await manager.insert(User, values);
    return manager.create(User, { ...values, ...(result.generatedMaps[0] as Partial<User>) });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new AppException('NOT_FOUND', 'User not found');
    return user;
  }

  /** One primary-key query: the account's current role, verification, token version and the jti's revocation. */
  async accessState(userId: string, jti: string): Promise<AccessState | null> {
    const rows = await this.db.query<Array<{ id: string; role: Role; verified: boolean; token_version: number; revoked: boolean }>>(
      `SELECT u.id, u.role, u.email_verified_at IS NOT NULL AS verified, u.token_version,
              EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked
         FROM users u WHERE u.id = $1`,
      [userId, jti],
    );
    const row = rows[0];
    return row
      ? { id: row.id, role: row.role, emailVerified: row.verified, tokenVersion: row.token_version, jtiRevoked: row.revoked }
      : null;
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<User> {
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length > 0) await this.users.update({ id }, set);
    return this.getById(id);
  }

  /**
   * Stores a new password hash (made beforehand with PasswordHasher, so no transaction is held while
   * hashing) and revokes every token issued before (token version +1).
   */
  async setPasswordHash(userId: string, passwordHash: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`UPDATE users SET password_hash = $2, token_version = token_version + 1, updated_at = now() WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
  }

  /** POST /api/users/me/password: the current password must match; every earlier token is revoked. */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.getById(userId);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw AppException.validation([{ field: 'currentPassword', message: 'currentPassword is incorrect' }]);
    }
    await this.setPasswordHash(userId, await this.hasher.hash(newPassword));
  }

  async markEmailVerified(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1`, [
      userId,
    ]);
  }

  /** BOOTSTRAP_ADMIN_EMAIL/PASSWORD: when both are set and no admin exists, that verified admin is created. */
  async onApplicationBootstrap(): Promise<void> {
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
