import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { UuidParam } from '../common/uuid-param';
import { PlansResponseDto, SetSubscriptionDto, SubscriptionResponseDto, toSubscriptionDto } from './dto/subscriptions.dto';
import { PLANS } from './plans';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('subscriptions')
@Controller()
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  /** The plans and the features each unlocks. */
  @Get('subscriptions/plans')
  @Public()
  @ApiOperation({ operationId: 'listPlans', summary: 'List subscription plans' })
  plans(): PlansResponseDto {
    return { success: true, data: Object.values(PLANS).map((p) => ({ ...p, features: [...p.features] })) };
  }

  /** The caller's current subscription (its newest state), or `null`. */
  @Get('subscriptions/me')
  @Auth()
  @ApiOperation({ operationId: 'getMySubscription', summary: 'Read my subscription' })
  async me(@CurrentUser() user: Principal): Promise<SubscriptionResponseDto> {
    const sub = await this.subscriptions.current(user.id);
    return { success: true, subscription: sub ? toSubscriptionDto(sub) : null };
  }

  /** 14 days of `professional`, once per account; 409 CONFLICT the second time or over an active subscription. */
  @Post('subscriptions/trial')
  @Auth({ roles: ['doctor'] })
  @ApiOperation({ operationId: 'startTrial', summary: 'Start the free trial' })
  @ApiErrors([409, 'CONFLICT: the trial was already used, or a subscription is active'])
  async trial(@CurrentUser() user: Principal): Promise<SubscriptionResponseDto> {
    return { success: true, subscription: toSubscriptionDto(await this.subscriptions.startTrial(user.id)) };
  }

  /** Sets a user's plan, status and period end; takes effect on that user's next request. */
  @Put('admin/users/:id/subscription')
  @Auth({ roles: ['admin'] })
  @ApiOperation({ operationId: 'setUserSubscription', summary: 'Grant or change a subscription (admin)' })
  @ApiErrors(400, [404, 'NOT_FOUND: no such user'], 415)
  async set(
    @CurrentUser() admin: Principal,
    @UuidParam('id') id: string,
    @Body() dto: SetSubscriptionDto,
  ): Promise<SubscriptionResponseDto> {
    const sub = await this.subscriptions.set(admin.id, id, {
      plan: dto.plan,
      status: dto.status,
      currentPeriodEnd: new Date(dto.currentPeriodEnd),
    });
    return { success: true, subscription: toSubscriptionDto(sub) };
  }
}
