import { ApiProperty } from '@nestjs/swagger';
import { ERRORS, ErrorCode } from './errors';

export class ErrorDetailDto {
  /** The request field the message is about (dotted path for nested fields). */
  field: string;
  message: string;
}

/** The contract's error envelope; every non-2xx response has exactly this shape. */
export class ErrorResponseDto {
  @ApiProperty({ enum: [false], example: false })
  success: false;
  /** Human-readable message. */
  error: string;
  @ApiProperty({ enum: Object.keys(ERRORS), example: 'VALIDATION_ERROR' })
  code: ErrorCode;
  /** The HTTP status, repeated. */
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status, repeated.' })
  statusCode: number;
  /** Also sent as the X-Request-Id header; quote it when reporting a problem. */
  requestId: string;
  /** Only for VALIDATION_ERROR. */
  @ApiProperty({ type: [ErrorDetailDto], required: false })
  details?: ErrorDetailDto[];
  /**
   * Only with MFA_REQUIRED from POST /api/login (for POST /api/login/mfa) and MFA_ENROLLMENT_REQUIRED
   * (a bearer for POST /api/mfa/totp/setup and /confirm only); single purpose, 5 minutes.
   */
  @ApiProperty({ required: false })
  mfaToken?: string;
}

export class SuccessDto {
  @ApiProperty({ enum: [true], example: true })
  success: true;
}

export class MessageDto extends SuccessDto {
  message: string;
}
