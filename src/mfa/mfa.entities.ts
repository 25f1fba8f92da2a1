import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '../common/base.entity';
import { User } from '../users/user.entity';

/**
 * An account's authenticator-app secret: pending from setup until confirmed with a code, then on.
 * The secret is encrypted (AES-256-GCM, see DataEncryption); `last_used_step` is the 30-second time
 * step of the newest code accepted, so a code is accepted at most once.
 */
@Entity({ name: 'mfa_totp' })
export class MfaTotp {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_totp_user' })
  user?: User;

  @Column({ name: 'secret_ciphertext', type: 'text' })
  secretCiphertext: string;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'last_used_step', type: 'bigint', nullable: true })
  lastUsedStep: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One-time recovery codes, stored only as SHA-256 hashes; a used one keeps its row (used_at) so it never works again. */
@Entity({ name: 'mfa_recovery_codes' })
@Unique('uq_mfa_recovery_codes_hash', ['codeHash'])
@Index('ix_mfa_recovery_codes_user', ['userId'])
export class MfaRecoveryCode extends BaseEntity {
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_recovery_codes_user' })
  user?: User;

  @Column({ name: 'code_hash', type: 'text' })
  codeHash: string;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}

/**
 * The mfaToken of a login waiting for its second factor (`login`), or of an account that must enrol
 * first (`enrol`): stored as a SHA-256 hash, 5 minutes, at most 5 wrong codes, used once.
 */
@Entity({ name: 'mfa_challenges' })
@Unique('uq_mfa_challenges_token_hash', ['tokenHash'])
@Check('ck_mfa_challenges_purpose', `purpose IN ('login', 'enrol')`)
@Index('ix_mfa_challenges_expires_at', ['expiresAt'])
export class MfaChallenge extends BaseEntity {
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_challenges_user' })
  user?: User;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ type: 'text' })
  purpose: 'login' | 'enrol';

  /** The login's `remember`, for the token it completes with. */
  @Column({ type: 'boolean', default: false })
  remember: boolean;

  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
