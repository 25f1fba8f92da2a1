import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { AnalyticsService } from './analytics.service';
import { AnalyticsSummaryResponseDto } from './dto/analytics.dto';

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  /** A doctor's own patient count and appointments by status and month; for an admin, the whole system's. */
  @Get('summary')
  @Auth({ roles: ['doctor'], subscription: 'analytics' })
  @ApiOperation({ operationId: 'analyticsSummary', summary: 'Practice analytics' })
  async summary(@CurrentUser() user: Principal): Promise<AnalyticsSummaryResponseDto> {
    return { success: true, data: await this.analytics.summary(user) };
  }
}
