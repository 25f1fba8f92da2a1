import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsString } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { PageMetaDto, TimeRangeQueryDto } from '../../common/pagination.dto';
import { IsIsoDateTime, IsOptionalNonNull, Trim } from '../../common/validators';
import { Appointment, APPOINTMENT_STATUSES, AppointmentStatus } from '../appointment.entity';

/**
 * An appointment is one sitting between 1900-01-01 and 2100-12-31 (UTC) that ends after it starts and
 * lasts less than 24 hours: a consultation, a procedure or an overnight observation fits; anything longer
 * (a hospital stay, a course of treatment) is several appointments or a record, and a multi-day span is far
 * more often a typo in a date than a real booking, so it is refused rather than stored.
 */
export class CreateAppointmentDto {
  /** One of the calling doctor's own patients. */
  @IsUUID()
  @ApiProperty({ format: 'uuid' })
  patientId: string;

  @IsIsoDateTime()
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:00:00Z' })
  startsAt: string;

  /** Must be after startsAt and less than 24 hours after it. */
  @IsIsoDateTime()
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:30:00Z' })
  endsAt: string;

  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @ApiProperty({ example: 'Follow-up on blood pressure' })
  reason: string;
}

/** Send only what changes; the resulting endsAt must still be after startsAt and less than 24 hours after it. */
export class UpdateAppointmentDto {
  @IsOptionalNonNull()
  @IsIsoDateTime()
  @ApiProperty({ required: false, format: 'date-time' })
  startsAt?: string;

  @IsOptionalNonNull()
  @IsIsoDateTime()
  @ApiProperty({ required: false, format: 'date-time' })
  endsAt?: string;

  @IsOptionalNonNull()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @ApiProperty({ required: false })
  reason?: string;

  @IsOptionalNonNull()
  @IsIn(APPOINTMENT_STATUSES)
  @ApiProperty({ required: false, enum: APPOINTMENT_STATUSES })
  status?: AppointmentStatus;
}

/** `from`/`to` select appointments by their start. */
export class AppointmentQueryDto extends TimeRangeQueryDto {
  @IsOptional()
  @IsIn(APPOINTMENT_STATUSES)
  @ApiProperty({ required: false, enum: APPOINTMENT_STATUSES, description: 'Only appointments in this status.' })
  status?: AppointmentStatus;

  /** Only appointments with this patient (one of the caller's own). */
  @IsOptional()
  @IsUUID()
  @ApiProperty({ required: false, format: 'uuid', description: 'Only appointments with this patient (one of the caller’s own).' })
  patientId?: string;
}

export class AppointmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  patientId: string;
  @ApiProperty({ format: 'uuid' })
  doctorId: string;
  @ApiProperty({ format: 'date-time' })
  startsAt: string;
  @ApiProperty({ format: 'date-time' })
  endsAt: string;
  reason: string;
  @ApiProperty({ enum: APPOINTMENT_STATUSES })
  status: AppointmentStatus;
}

export function toAppointmentDto(a: Appointment): AppointmentDto {
  return {
    id: a.id,
    patientId: a.patientId,
    doctorId: a.doctorId,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    reason: a.reason,
    status: a.status,
  };
}

export class AppointmentResponseDto extends SuccessDto {
  data: AppointmentDto;
}

export class AppointmentPageDto extends SuccessDto {
  data: AppointmentDto[];
  meta: PageMetaDto;
}
