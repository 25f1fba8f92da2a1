import { ApiProperty } from '@nestjs/swagger';
import { SuccessDto } from '../../common/common.dto';

const COUNT = { type: 'integer', minimum: 0, example: 3 } as const;

export class AppointmentsByStatusDto {
  @ApiProperty(COUNT)
  planned: number;
  @ApiProperty(COUNT)
  finished: number;
  @ApiProperty(COUNT)
  canceled: number;
}

export class MonthCountDto {
  /** YYYY-MM (UTC), by appointment start. */
  @ApiProperty({ example: '2026-11' })
  month: string;
  @ApiProperty(COUNT)
  count: number;
}

export class AnalyticsSummaryDto {
  /** `doctor`: the caller's own figures; `system`: everyone's (admin). */
  @ApiProperty({ enum: ['doctor', 'system'] })
  scope: 'doctor' | 'system';
  @ApiProperty(COUNT)
  patients: number;
  @ApiProperty(COUNT)
  appointments: number;
  appointmentsByStatus: AppointmentsByStatusDto;
  @ApiProperty({ type: [MonthCountDto] })
  appointmentsByMonth: MonthCountDto[];
}

export class AnalyticsSummaryResponseDto extends SuccessDto {
  data: AnalyticsSummaryDto;
}
