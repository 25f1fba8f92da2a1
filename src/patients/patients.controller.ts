import { Body, Controller, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { UuidParam } from '../common/uuid-param';
import { CreatePatientDto, PatientPageDto, PatientQueryDto, PatientResponseDto, toPatientDto, UpdatePatientDto } from './dto/patients.dto';
import { PatientsService } from './patients.service';

@ApiTags('patients')
@Controller('patients')
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
}
