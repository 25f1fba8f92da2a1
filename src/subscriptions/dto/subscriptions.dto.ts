import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsIsoDateTime } from '../../common/validators';
import { SuccessDto } from '../../common/common.dto';
import { FEATURES, Feature, isActive, PLAN_IDS, PlanId, PLANS, SUBSCRIPTION_STATUSES, SubscriptionStatus } from '../plans';
import { Subscription } from '../subscription.entity';

export class PlanDto {
  @ApiProperty({ enum: PLAN_IDS })
  id: PlanId;
  name: string;
  description: string;
  /** What the plan unlocks while the subscription is active. */
  @ApiProperty({ enum: FEATURES, isArray: true })
  features: Feature[];
}

export class PlansResponseDto extends SuccessDto {
  data: PlanDto[];
}

export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ enum: PLAN_IDS })
  plan: PlanId;
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES })
  status: SubscriptionStatus;
  @ApiProperty({ format: 'date-time' })
  currentPeriodEnd: string;
  /** Status trialing or active and currentPeriodEnd in the future, as of this response. */
  active: boolean;
  isTrial: boolean;
  /** What it unlocks now (empty when not active). */
  @ApiProperty({ enum: FEATURES, isArray: true })
  features: Feature[];
  /** When this state began. */
  @ApiProperty({ format: 'date-time' })
  since: string;
}

export function toSubscriptionDto(s: Subscription): SubscriptionDto {
  const active = isActive(s);
  return {
    id: s.id,
    plan: s.plan,
    status: s.status,
    currentPeriodEnd: s.currentPeriodEnd.toISOString(),
    active,
    isTrial: s.isTrial,
    features: active ? [...PLANS[s.plan].features] : [],
    since: s.createdAt.toISOString(),
  };
}

export class SubscriptionResponseDto extends SuccessDto {
  /** The current subscription, or null when the account never had one. */
  @ApiProperty({ type: SubscriptionDto, nullable: true })
  subscription: SubscriptionDto | null;
}

export class SetSubscriptionDto {
  @IsIn(PLAN_IDS)
  @ApiProperty({ enum: PLAN_IDS, example: 'professional' })
  plan: PlanId;

  @IsIn(SUBSCRIPTION_STATUSES)
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES, example: 'active' })
  status: SubscriptionStatus;

  /** End of the paid (or trial) period, ISO-8601 with a time zone. */
  @IsIsoDateTime()
  @ApiProperty({ format: 'date-time', example: '2027-01-31T23:59:59Z' })
  currentPeriodEnd: string;
}
