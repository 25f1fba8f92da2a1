import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { PageMetaDto, TimeRangeQueryDto } from '../../common/pagination.dto';
import { AuditEvent } from '../audit-event.entity';

/** `from`/`to` select events by when they happened. */
export class AuditQueryDto extends TimeRangeQueryDto {
  /** Who acted (user id). */
  @IsOptional()
  @IsUUID()
  actorId?: string;

  /** Whom or what the action was about (user id). */
  @IsOptional()
  @IsUUID()
  targetId?: string;

  /** An action, or a prefix of one: `login` matches `login.succeeded`, `login.failed` and `login.locked`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z_.]+$/, { message: 'action must be lower-case letters, dots and underscores' })
  @ApiProperty({ required: false, example: 'login.failed' })
  action?: string;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'login.failed' })
  action: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actorId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  targetId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'user' })
  targetType: string | null;
  @ApiProperty({ nullable: true, type: String })
  ip: string | null;
  @ApiProperty({ nullable: true, type: String })
  userAgent: string | null;
  @ApiProperty({ nullable: true, type: String })
  requestId: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  details: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  /**
   * How many times it happened: more than 1 when repeats by the same principal on the same route within
   * a minute were coalesced into this event (`access.denied`, `password.reset_requested`).
   */
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  count: number;
}

export function toAuditEventDto(e: AuditEvent, count = 1): AuditEventDto {
  return {
    id: e.id,
    action: e.action,
    actorId: e.actorId,
    targetId: e.targetId,
    targetType: e.targetType,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    details: e.details,
    createdAt: e.createdAt.toISOString(),
    count,
  };
}

export class AuditEventPageDto extends SuccessDto {
  data: AuditEventDto[];
  meta: PageMetaDto;
}
