import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './common.dto';

/**
 * Documents an operation's own error responses with the envelope schema: `ApiErrors(400, [409, 'EMAIL_TAKEN'])`.
 * Name the codes in the text: src/openapi.ts reads them into `x-error-codes` and merges them with the
 * errors the route's declarations imply (access rule, rate limit, body, 500/503), which need no entry here.
 */
export function ApiErrors(...entries: Array<number | [number, string]>) {
  return applyDecorators(
    ...entries.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, DEFAULTS[entry] ?? 'Error'];
      return ApiResponse({ status, description, type: ErrorResponseDto });
    }),
  );
}

const DEFAULTS: Record<number, string> = {
  400: 'VALIDATION_ERROR: the body or a parameter is invalid (see details)',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'NOT_FOUND',
  409: 'Conflict',
  410: 'TOKEN_USED_OR_EXPIRED: the link was already used, replaced by a newer one, or expired',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE: send application/json',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE: the database is unreachable; retry later',
};
