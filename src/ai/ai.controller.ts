import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { AiService } from './ai.service';
import { ClinicalNoteRequestDto, ClinicalNoteResponseDto, DiagnosisRequestDto, DiagnosisResponseDto } from './dto/ai.dto';

const UPSTREAM: [number, string] = [502, 'UPSTREAM_ERROR: the configured AI provider failed or timed out'];

@ApiTags('ai')
@Controller('ai')
export class AiController {
  constructor(private readonly ai: AiService) {}

  /** Drafts a note for one of the caller's appointments from it and the patient's latest records. A clinician must review it. */
  @Post('clinical-notes')
  @Auth({ roles: ['doctor'], subscription: 'ai', owns: { resource: 'appointment', param: 'appointmentId', in: 'body' } })
  @HttpCode(200)
  @ApiOperation({ operationId: 'draftClinicalNote', summary: 'Draft a clinical note (AI)' })
  @ApiErrors(400, 415, UPSTREAM)
  async note(@CurrentUser() user: Principal, @Body() dto: ClinicalNoteRequestDto): Promise<ClinicalNoteResponseDto> {
    return { success: true, data: await this.ai.clinicalNote(user, dto.appointmentId, dto.notes_template_type, dto.language) };
  }

  /** Suggests the most likely diagnosis with its ICD-10 code and the reason. A clinician must review it. */
  @Post('diagnosis-predictions')
  @Auth({ roles: ['doctor'], subscription: 'ai', owns: { resource: 'appointment', param: 'appointmentId', in: 'body' } })
  @HttpCode(200)
  @ApiOperation({ operationId: 'predictDiagnosis', summary: 'Suggest a diagnosis (AI)' })
  @ApiErrors(400, 415, UPSTREAM)
  async diagnosis(@CurrentUser() user: Principal, @Body() dto: DiagnosisRequestDto): Promise<DiagnosisResponseDto> {
    return { success: true, data: await this.ai.diagnose(user, dto.symptoms, dto.appointmentId) };
  }
}
