import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { PaginationQueryDto } from '../common/pagination.dto';
import { UuidParam } from '../common/uuid-param';
import { CreateRecordDto, RecordPageDto, RecordResponseDto, toRecordDto } from './dto/records.dto';
import { RecordsService } from './records.service';

@ApiTags('records')
@Controller()
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  /** The owning doctor adds a record to the patient's file (records are not edited or deleted). */
  @Post('patients/:id/records')
  @Auth({ roles: ['doctor'], owns: { resource: 'patient', param: 'id' } })
  @ApiOperation({ operationId: 'createRecord', summary: 'Add a medical record' })
  @ApiErrors(400, 415)
  async create(@CurrentUser() user: Principal, @UuidParam('id') id: string, @Body() dto: CreateRecordDto): Promise<RecordResponseDto> {
    return { success: true, data: toRecordDto(await this.records.create(user, id, dto)) };
  }

  /** The owning doctor, or the patient through their portal account; newest first. */
  @Get('patients/:id/records')
  @Auth({ roles: ['doctor', 'patient'], owns: { resource: 'patient', param: 'id', orPatient: true } })
  @ApiOperation({ operationId: 'listPatientRecords', summary: 'List a patient’s records' })
  @ApiErrors(400)
  async list(@UuidParam('id') id: string, @Query() query: PaginationQueryDto): Promise<RecordPageDto> {
    const { rows, total, page, limit } = await this.records.listForPatient(id, query);
    return { success: true, data: rows.map(toRecordDto), meta: { page, limit, total } };
  }

  /** A patient's own medical records; newest first. */
  @Get('me/records')
  @Auth({ roles: ['patient'] })
  @ApiOperation({ operationId: 'listMyRecords', summary: 'List my medical records (patient)' })
  @ApiErrors(400)
  async mine(@CurrentUser() user: Principal, @Query() query: PaginationQueryDto): Promise<RecordPageDto> {
    const { rows, total, page, limit } = await this.records.listMine(user, query);
    return { success: true, data: rows.map(toRecordDto), meta: { page, limit, total } };
  }
}
