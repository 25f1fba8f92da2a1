import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { PageMetaDto } from '../../common/pagination.dto';
import { MedicalRecord, RECORD_TYPES, RecordType } from '../record.entity';

export class CreateRecordDto {
  @IsIn(RECORD_TYPES)
  @ApiProperty({ enum: RECORD_TYPES, example: 'note' })
  type: RecordType;

  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  @ApiProperty({ example: 'S: headache for 3 days. O: BP 150/95. A: hypertension suspected. P: 24 h BP monitoring.' })
  content: string;
}

export class RecordDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  patientId: string;
  /** The doctor who wrote it. */
  @ApiProperty({ format: 'uuid' })
  authorId: string;
  @ApiProperty({ enum: RECORD_TYPES })
  type: RecordType;
  content: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export function toRecordDto(r: MedicalRecord): RecordDto {
  return { id: r.id, patientId: r.patientId, authorId: r.authorId, type: r.type, content: r.content, createdAt: r.createdAt.toISOString() };
}

export class RecordResponseDto extends SuccessDto {
  data: RecordDto;
}

export class RecordPageDto extends SuccessDto {
  data: RecordDto[];
  meta: PageMetaDto;
}
