import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** Why a session ended (sessions.end_reason). */
export type SessionEndReason = 'logout' | 'logout_all' | 'ended_by_user' | 'ended_by_admin' | 'refresh_reused' | 'idle' | 'mfa_disabled';

/** One login: what its access tokens (`sid`) and refresh tokens belong to. Written only by the sessions module. */
@Entity({ name: 'sessions' })
@Check(
  'ck_sessions_end_reason',
  `end_reason IN ('logout', 'logout_all', 'ended_by_user', 'ended_by_admin', 'refresh_reused', 'idle', 'mfa_disabled')`,
)
@Check('ck_sessions_ended', '(ended_at IS NULL) = (end_reason IS NULL)')
@Index('ix_sessions_user', ['userId'])
@Index('ix_sessions_expires_at', ['expiresAt'])
export class Session {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_sessions' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_sessions_user' })
  user?: User;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', default: () => 'now()' })
  lastUsedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'boolean', default: false })
  remember: boolean;

  /** The account's token version at login: a later bump (password, disable, role) ends the session. */
  @Column({ name: 'token_version', type: 'integer' })
  tokenVersion: number;

  /** How the user signed in (RFC 8176 values), carried into every access token of the session. */
  @Column({ type: 'text', array: true, default: () => `'{pwd}'` })
  amr: string[];

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: SessionEndReason | null;

  @Column({ name: 'ended_by', type: 'uuid', nullable: true })
  endedBy: string | null;
}

/** A refresh token, kept as its SHA-256 only; retired when rotated, and kept so that its reuse is recognised. */
@Entity({ name: 'refresh_tokens' })
@Index('ix_refresh_tokens_session', ['sessionId'])
export class RefreshToken {
  @PrimaryColumn({ name: 'token_hash', type: 'bytea', primaryKeyConstraintName: 'pk_refresh_tokens' })
  tokenHash: Buffer;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_refresh_tokens_session' })
  session?: Session;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  /** The one use allowed within the grace window after retirement (two tabs racing) is spent. */
  @Column({ name: 'grace_used', type: 'boolean', default: false })
  graceUsed: boolean;
}
