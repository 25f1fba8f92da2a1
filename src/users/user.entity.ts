import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { BaseEntity } from '../common/base.entity';

export const ROLES = ['doctor', 'patient', 'admin'] as const;
export type Role = (typeof ROLES)[number];

@Entity({ name: 'users' })
@Unique('uq_users_email', ['email'])
@Check('ck_users_email_lower', 'email = lower(email)')
@Check('ck_users_role', `role IN ('doctor', 'patient', 'admin')`)
@Index('ix_users_role', ['role'])
export class User extends BaseEntity {
  /** Stored trimmed and lower-cased; unique through `uq_users_email`. */
  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ name: 'first_name', type: 'text' })
  firstName: string;

  @Column({ name: 'last_name', type: 'text' })
  lastName: string;

  @Column({ type: 'text', nullable: true })
  specialty: string | null;

  @Column({ name: 'ehr_system_type', type: 'text', nullable: true })
  ehrSystemType: string | null;

  @Column({ name: 'ehr_system_name', type: 'text', nullable: true })
  ehrSystemName: string | null;

  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  /** Raised by password change and reset, and by disabling: every token with a lower `tv` is revoked. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  /** Set by an admin: the account cannot log in and its tokens are refused. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /**
   * A second factor is on (the MFA module's tables hold it; it sets this flag through
   * UsersService.setMfaEnabled, in its own transaction): login asks for a code.
   */
  @Column({ name: 'mfa_enabled', type: 'boolean', default: false })
  mfaEnabled: boolean;
}
