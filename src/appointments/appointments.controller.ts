import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { UuidParam } from '../common/uuid-param';
import { AppointmentsService } from './appointments.service';
import {
  AppointmentPageDto,
  AppointmentQueryDto,
  AppointmentResponseDto,
  CreateAppointmentDto,
  toAppointmentDto,
  UpdateAppointmentDto,
} from './dto/appointments.dto';

@ApiTags('appointments')
@Controller('appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  /**
   * For one of the caller's own patients; needs an active subscription whose plan includes appointments.
   * Times lie between 1900-01-01 and 2100-12-31 (UTC, offsets at most ±14:00), and an appointment is one
   * sitting: it ends after it starts and lasts less than 24 hours. A consultation, a procedure or an
   * overnight observation fits; a longer stay is several appointments or a record, and a multi-day span is
   * far more often a mistyped date than a real booking, so it is refused rather than stored.
   */
  @Post()
  @Auth({ roles: ['doctor'], subscription: 'appointments', owns: { resource: 'patient', param: 'patientId', in: 'body' } })
  @ApiOperation({ operationId: 'createAppointment', summary: 'Book an appointment' })
  @ApiErrors([400, 'VALIDATION_ERROR (times outside 1900-01-01..2100-12-31; endsAt not after startsAt, or 24 hours or more after it)'], 415)
  async create(@CurrentUser() user: Principal, @Body() dto: CreateAppointmentDto): Promise<AppointmentResponseDto> {
    return { success: true, data: toAppointmentDto(await this.appointments.create(user, dto)) };
  }

  /** A doctor's own appointments, or a patient's; by start time. */
  @Get()
  @Auth({ roles: ['doctor', 'patient'] })
  @ApiOperation({ operationId: 'listAppointments', summary: 'List appointments' })
  @ApiErrors(400)
  async list(@CurrentUser() user: Principal, @Query() query: AppointmentQueryDto): Promise<AppointmentPageDto> {
    const { rows, total, page, limit } = await this.appointments.list(user, query);
    return { success: true, data: rows.map(toAppointmentDto), meta: { page, limit, total } };
  }

  @Get(':id')
  @Auth({ roles: ['doctor', 'patient'], owns: { resource: 'appointment', param: 'id', orPatient: true } })
  @ApiOperation({ operationId: 'getAppointment', summary: 'Read an appointment' })
  @ApiErrors(400)
  async get(@UuidParam('id') id: string): Promise<AppointmentResponseDto> {
    return { success: true, data: toAppointmentDto(await this.appointments.get(id)) };
  }

  /** Time, reason and status, by the owning doctor. */
  @Patch(':id')
  @Auth({ roles: ['doctor'], owns: { resource: 'appointment', param: 'id' } })
  @ApiOperation({ operationId: 'updateAppointment', summary: 'Update an appointment' })
  @ApiErrors([400, 'VALIDATION_ERROR (endsAt must be after startsAt)'], 415)
  async update(
    @CurrentUser() user: Principal,
    @UuidParam('id') id: string,
    @Body() dto: UpdateAppointmentDto,
  ): Promise<AppointmentResponseDto> {
    return { success: true, data: toAppointmentDto(await this.appointments.update(user, id, dto)) };
  }
}
