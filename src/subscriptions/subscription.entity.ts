import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';
import type { PlanId, SubscriptionStatus } from './plans';

/** One row per change: the newest row of a user is their current subscription; older rows are history. */
@Entity({ name: 'subscriptions' })
@Check('ck_subscriptions_plan', `plan IN ('basic', 'professional', 'enterprise')`)
@Check('ck_subscriptions_status', `status IN ('trialing', 'active', 'past_due', 'canceled', 'expired')`)
@Index('ix_subscriptions_user_created', ['userId', 'createdAt'])
@Index('uq_subscriptions_trial', ['userId'], { unique: true, where: 'is_trial' })
export class Subscription {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_subscriptions_user' })
  user?: User;

  @Column({ type: 'text' })
  plan: PlanId;

  @Column({ type: 'text' })
  status: SubscriptionStatus;

  @Column({ name: 'current_period_end', type: 'timestamptz' })
  currentPeriodEnd: Date;

  @Column({ name: 'is_trial', type: 'boolean', default: false })
  isTrial: boolean;

  /** The admin who made the change; null for the user's own trial. */
  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt: Date;
}
