import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppException } from '../common/errors';
import { findOneWhere } from '../common/find-one';
import { UsersService } from '../users/users.service';
import { isActive, PlanId, SubscriptionStatus, TRIAL_DAYS, TRIAL_PLAN } from './plans';
import { Subscription } from './subscription.entity';
import { SubscriptionsAudit } from './subscriptions.audit';

@Injectable()
export class SubscriptionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** The newest row of the user's history, or null. */
  current(userId: string): Promise<Subscription | null> {
    return findOneWhere(this.db.manager, Subscription, 'user_id = $1', [userId], 'created_at DESC, id DESC');
  }

  /** 14 days of `professional`, once per user (the partial unique index decides races); not over an active plan. */
  async startTrial(userId: string): Promise<Subscription> {
    const saved = await this.db.transaction(async (manager) => {
      // the account row is the lock every subscription change takes: a trial cannot slip in after an
      // admin's grant it did not see (and the partial unique index still allows one trial ever)
      await this.users.lockAccount(userId, manager);
      const current = await manager.findOne(Subscription, { where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
      if (isActive(current)) throw new AppException('CONFLICT', 'An active subscription already exists');
      const row = await manager.save(
        Subscription,
        manager.create(Subscription, {
          userId,
          plan: TRIAL_PLAN,
          status: 'trialing',
          currentPeriodEnd: new Date(Date.now() + TRIAL_DAYS * 24 * 60 * 60 * 1000),
          isTrial: true,
          changedBy: null,
        }),
      );
      await this.audit.record(
        { action: SubscriptionsAudit.trialStarted, actorId: userId, targetId: userId, details: { plan: TRIAL_PLAN } },
        manager,
      );
      return row;
    });
    return saved;
  }

  /** An admin sets the plan, status and period end: a new history row, effective on the next request. */
  async set(
    adminId: string,
    userId: string,
    change: { plan: PlanId; status: SubscriptionStatus; currentPeriodEnd: Date },
  ): Promise<Subscription> {
    await this.users.getById(userId);
    const saved = await this.db.transaction(async (manager) => {
      await this.users.lockAccount(userId, manager);
      const saved = await manager.save(
        Subscription,
        manager.create(Subscription, { userId, ...change, isTrial: false, changedBy: adminId }),
      );
      await this.audit.record(
        {
          action: SubscriptionsAudit.changed,
          actorId: adminId,
          targetId: userId,
          details: { plan: change.plan, status: change.status, currentPeriodEnd: change.currentPeriodEnd.toISOString() },
        },
        manager,
      );
      return saved;
    });
    return saved;
  }
}
