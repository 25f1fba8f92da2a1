import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { UuidParam } from '../common/uuid-param';
import {
  AcceptInvitationDto,
  AcceptInvitationResponseDto,
  CreatePatientDto,
  InviteDto,
  InviteResponseDto,
  PatientPageDto,
  PatientQueryDto,
  PatientResponseDto,
  toPatientDto,
  UpdatePatientDto,
} from './dto/patients.dto';
import { PatientsService } from './patients.service';

@ApiTags('patients')
@Controller('api/patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  /** Creates a patient owned by the calling doctor. */
  @Post()
  @Auth({ roles: ['doctor'] })
  @ApiOperation({ operationId: 'createPatient', summary: 'Create a patient' })
  @ApiErrors(400, 415)
  async create(@CurrentUser() user: Principal, @Body() dto: CreatePatientDto): Promise<PatientResponseDto> {
    return { success: true, data: toPatientDto(await this.patients.create(user, dto)) };
  }

  /** The caller's own patients (admin: everyone's), by last name; `q` searches names. */
  @Get()
  @Auth({ roles: ['doctor'] })
  @ApiOperation({ operationId: 'listPatients', summary: 'List my patients' })
  @ApiErrors(400)
  async list(@CurrentUser() user: Principal, @Query() query: PatientQueryDto): Promise<PatientPageDto> {
    const { rows, total, page, limit } = await this.patients.list(user, query);
    return { success: true, data: rows.map(toPatientDto), meta: { page, limit, total } };
  }

  @Get(':id')
  @Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' } })
  @ApiOperation({ operationId: 'getPatient', summary: 'Read a patient' })
  @ApiErrors(400)
  async get(@UuidParam('id') id: string): Promise<PatientResponseDto> {
    return { success: true, data: toPatientDto(await this.patients.get(id)) };
  }

  @Patch(':id')
  @Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' } })
  @ApiOperation({ operationId: 'updatePatient', summary: 'Update a patient' })
  @ApiErrors(400, 415)
  async update(@CurrentUser() user: Principal, @UuidParam('id') id: string, @Body() dto: UpdatePatientDto): Promise<PatientResponseDto> {
    return { success: true, data: toPatientDto(await this.patients.update(user, id, dto)) };
  }

  /**
   * Archives the patient: gone from every list and route, while appointments and medical records are
   * retained (not readable through the API any more); a linked portal account is disabled.
   */
  @Delete(':id')
  @Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' } })
  @ApiOperation({ operationId: 'deletePatient', summary: 'Delete (archive) a patient' })
  @ApiErrors(400)
  async remove(@CurrentUser() user: Principal, @UuidParam('id') id: string): Promise<MessageDto> {
    await this.patients.remove(user, id);
    return { success: true, message: 'Patient archived' };
  }

  /** Emails a single-use patient-portal invitation valid 7 days, linking to `APP_URL/accept-invitation?token=…`. */
  @Post(':id/invite')
  @Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' } })
  @HttpCode(202)
  @ApiOperation({ operationId: 'invitePatient', summary: 'Invite a patient to the portal' })
  @ApiAcceptedResponse({ type: InviteResponseDto })
  @ApiErrors(
    400,
    [409, 'CONFLICT: already has an account; EMAIL_TAKEN: the email has an account'],
    [502, 'UPSTREAM_ERROR: the email could not be sent'],
    415,
  )
  async invite(@CurrentUser() user: Principal, @UuidParam('id') id: string, @Body() dto: InviteDto): Promise<InviteResponseDto> {
    const { expiresAt } = await this.patients.invite(user, id, dto.email);
    return { success: true, message: 'Invitation sent', expiresAt: expiresAt.toISOString() };
  }
}

@ApiTags('patients')
@Controller('api/invitations')
export class InvitationsController {
  constructor(private readonly patients: PatientsService) {}

  /** Spends the invitation token and creates a verified `patient` account (the email the doctor invited). */
  @Post('accept')
  @Public()
  @ApiOperation({ operationId: 'acceptInvitation', summary: 'Accept a patient-portal invitation' })
  @ApiErrors([400, 'VALIDATION_ERROR (password names the rule)'], [409, 'EMAIL_TAKEN'], 410, 415)
  async accept(@Body() dto: AcceptInvitationDto): Promise<AcceptInvitationResponseDto> {
    const account = await this.patients.acceptInvitation(dto.token, dto.password);
    return { success: true, uid: account.id, email: account.email, role: 'patient', emailVerified: true };
  }
}
