import { ApiProperty } from '@nestjs/swagger';
import { SuccessDto } from '../../common/common.dto';
import type { SessionView } from '../sessions.service';

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  /** When the login happened (ISO-8601, UTC). */
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  /** The last request or refresh with it, to within a minute. */
  @ApiProperty({ format: 'date-time' })
  lastUsedAt: string;
  /** Its absolute end: 24 hours after login, or 30 days with `remember`. */
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
  /** The client address of the login. */
  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' })
  ip: string | null;
  /** The User-Agent of the login (at most 256 characters). */
  @ApiProperty({ nullable: true, type: String, example: 'Mozilla/5.0 (X11; Linux x86_64)' })
  userAgent: string | null;
  /** True for the session of the token making this call. */
  current: boolean;
}

export class SessionListDto extends SuccessDto {
  @ApiProperty({ type: [SessionDto] })
  data: SessionDto[];
}

export class SessionsEndedDto extends SuccessDto {
  message: string;
  /** How many sessions ended. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  ended: number;
}

export function toSessionDto(s: SessionView, currentSessionId: string | null): SessionDto {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.id === currentSessionId,
  };
}
