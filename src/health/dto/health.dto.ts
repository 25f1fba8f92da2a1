import { ApiProperty } from '@nestjs/swagger';
import { SuccessDto } from '../../common/common.dto';

export class LiveDto extends SuccessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

export class ReadyDto extends LiveDto {
  /** Each dependency checked, e.g. `{ "database": { "status": "up" } }`. */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { database: { status: 'up', responseTime: 1 } } })
  checks: Record<string, unknown>;
}
