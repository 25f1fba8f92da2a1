import { HttpException, HttpStatus } from '@nestjs/common';

/** The contract's machine codes with their status and, where the contract fixes it, the exact message. */
export const ERRORS = {
  VALIDATION_ERROR: { status: 400, message: 'Validation failed' },
  AUTH_HEADER_MISSING: { status: 401, message: 'Authorization header is required' },
  AUTH_HEADER_INVALID: { status: 401, message: 'Invalid Authorization header format' },
  TOKEN_INVALID: { status: 401, message: 'Invalid token' },
  TOKEN_EXPIRED: { status: 401, message: 'Token has expired' },
  TOKEN_REVOKED: { status: 401, message: 'Token has been revoked' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email or password' },
  EMAIL_NOT_VERIFIED: { status: 403, message: 'Email verification required' },
  ROLE_REQUIRED: { status: 403, message: 'Access denied' },
  SUBSCRIPTION_REQUIRED: { status: 403, message: 'Active subscription required' },
  NOT_OWNER: { status: 403, message: 'You do not have access to this resource' },
  /** 403 on a route that needs a second factor; 401 (with `mfaToken`) from POST /api/login (see AppException's status). */
  MFA_REQUIRED: { status: 403, message: 'Multi-factor authentication required' },
  MFA_ENROLLMENT_REQUIRED: { status: 403, message: 'Multi-factor authentication must be set up' },
  CSRF_INVALID: { status: 403, message: 'Invalid CSRF token' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  EMAIL_TAKEN: { status: 409, message: 'Email already registered' },
  CONFLICT: { status: 409, message: 'Conflict' },
  TOKEN_USED_OR_EXPIRED: { status: 410, message: 'This link has already been used or has expired' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type must be application/json' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  ACCOUNT_LOCKED: { status: 429, message: 'Account temporarily locked' },
  HEADERS_TOO_LARGE: { status: 431, message: 'Request headers are too large' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  UPSTREAM_ERROR: { status: 502, message: 'Upstream provider failed' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service temporarily unavailable' },
} as const satisfies Record<string, { status: HttpStatus | 431; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  field: string;
  message: string;
}

/** The one exception our code throws: carries a contract code, and the filter renders the envelope. */
export class AppException extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    readonly details?: ErrorDetail[],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
    /**
     * Where the contract gives a code two statuses (MFA_REQUIRED: 401 at login, 403 on a route), the
     * other one; and the extra envelope fields the contract names for a code (`mfaToken`).
     */
    readonly extra?: { status?: 401 | 403; fields?: { mfaToken: string } },
  ) {
    super(message, extra?.status ?? ERRORS[code].status);
  }

  static validation(details: ErrorDetail[]): AppException {
    return new AppException('VALIDATION_ERROR', ERRORS.VALIDATION_ERROR.message, details);
  }
}

/** The envelope every error body has (contract, Conventions). */
export interface ErrorEnvelope {
  success: false;
  error: string;
  code: ErrorCode;
  statusCode: number;
  requestId: string;
  details?: ErrorDetail[];
  mfaToken?: string;
}

/** Maps a status a framework produced on its own to our code. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_ERROR';
    case 401:
      return 'TOKEN_INVALID';
    case 403:
      return 'NOT_OWNER';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 410:
      return 'TOKEN_USED_OR_EXPIRED';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 502:
      return 'UPSTREAM_ERROR';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return 'INTERNAL_ERROR';
  }
}
