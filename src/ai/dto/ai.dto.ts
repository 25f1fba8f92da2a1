import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { NOTE_LANGUAGES, NOTE_TEMPLATES, NoteTemplate, REVIEW_NOTICE } from '../ai.provider';

export class ClinicalNoteRequestDto {
  /** One of the caller's own appointments. */
  @IsUUID()
  @ApiProperty({ format: 'uuid' })
  appointmentId: string;

  @IsOptional()
  @IsIn(NOTE_TEMPLATES)
  @ApiProperty({ required: false, enum: NOTE_TEMPLATES, default: 'soap_note' })
  notes_template_type?: NoteTemplate;

  @IsOptional()
  @IsIn(NOTE_LANGUAGES)
  @ApiProperty({ required: false, enum: NOTE_LANGUAGES, default: 'en' })
  language?: (typeof NOTE_LANGUAGES)[number];
}

/** Exported for src/metadata.ts, which gives its properties their plugin metadata. */
export class ReviewedDto {
  /** Which provider made the answer: `rules` (built in) or `openai`. */
  @ApiProperty({ enum: ['rules', 'openai'] })
  provider: string;
  /** Always true: a clinician must review every AI answer. */
  @ApiProperty({ enum: [true] })
  reviewRequired: true;
  @ApiProperty({ example: REVIEW_NOTICE })
  disclaimer: string;
}

export class ClinicalNoteDto extends ReviewedDto {
  @ApiProperty({ format: 'uuid' })
  appointmentId: string;
  notes: string;
  summary: string;
  @ApiProperty({ enum: NOTE_TEMPLATES })
  notes_template_type: NoteTemplate;
  @ApiProperty({ enum: NOTE_LANGUAGES })
  language: string;
}

export class ClinicalNoteResponseDto extends SuccessDto {
  data: ClinicalNoteDto;
}

export class DiagnosisRequestDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  @ApiProperty({ type: [String], example: ['fever', 'cough', 'loss of smell'] })
  symptoms: string[];

  /** Optionally ties the suggestion to one of the caller's own appointments. */
  @IsOptional()
  @IsUUID()
  @ApiProperty({ required: false, format: 'uuid' })
  appointmentId?: string;
}

export class DiagnosisDto extends ReviewedDto {
  @ApiProperty({ enum: ['generated'] })
  status: 'generated';
  @ApiProperty({ example: 'COVID-19' })
  main_diagnosis: string;
  /** ICD-10 code; R69 when nothing matched. */
  @ApiProperty({ example: 'U07.1' })
  icd_code: string;
  reason: string;
}

export class DiagnosisResponseDto extends SuccessDto {
  data: DiagnosisDto;
}
