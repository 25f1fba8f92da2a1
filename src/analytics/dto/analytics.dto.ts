import { ApiProperty } from '@nestjs/swagger';
import { SuccessDto } from '../../common/common.dto';

export class AppointmentsByStatusDto {
  planned: number;
  finished: number;
  canceled: number;
}

export class MonthCountDto {
  /** YYYY-MM (UTC), by appointment start. */
  @ApiProperty({ example: '2026-11' })
  month: string;
  count: number;
}

export class AnalyticsSummaryDto {
  /** `doctor`: the caller's own figures; `system`: everyone's (admin). */
  @ApiProperty({ enum: ['doctor', 'system'] })
  scope: 'doctor' | 'system';
  patients: number;
  appointments: number;
  appointmentsByStatus: AppointmentsByStatusDto;
  @ApiProperty({ type: [MonthCountDto] })
  appointmentsByMonth: MonthCountDto[];
}

export class AnalyticsSummaryResponseDto extends SuccessDto {
  data: AnalyticsSummaryDto;
}
