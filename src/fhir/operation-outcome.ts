import type { FastifyRequest } from 'fastify';
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import type { ErrorFormat, Rendered } from '../common/all-exceptions.filter';
import type { ErrorCode } from '../common/errors';

/** The FHIR interface's root path. */
export const FHIR_ROOT = '/fhir';
/** Its R4 base (outside the /api prefix). */
export const FHIR_BASE_PATH = `${FHIR_ROOT}/R4`;
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** The code system of our contract's error codes, given beside FHIR's issue type in `issue.details`. */
export const ERROR_CODE_SYSTEM = 'urn:medisync:error-code';

/** FHIR's IssueType for each of our codes. */
const ISSUE_TYPE: Partial<Record<ErrorCode, OperationOutcomeIssue['code']>> = {
  VALIDATION_ERROR: 'invalid',
  AUTH_HEADER_MISSING: 'login',
  AUTH_HEADER_INVALID: 'login',
  TOKEN_INVALID: 'login',
  TOKEN_EXPIRED: 'login',
  TOKEN_REVOKED: 'login',
  EMAIL_NOT_VERIFIED: 'forbidden',
  ROLE_REQUIRED: 'forbidden',
  SUBSCRIPTION_REQUIRED: 'forbidden',
  NOT_FOUND: 'not-found',
  CONFLICT: 'conflict',
  PAYLOAD_TOO_LARGE: 'too-long',
  HEADERS_TOO_LARGE: 'too-long',
  UNSUPPORTED_MEDIA_TYPE: 'not-supported',
  REQUEST_TIMEOUT: 'timeout',
  RATE_LIMITED: 'throttled',
  UPSTREAM_ERROR: 'transient',
  SERVICE_UNAVAILABLE: 'transient',
};

/** Is this request under /fhir? (the raw URL, so that a path no route matches counts too) */
export function isFhirRequest(url: string): boolean {
  return url.startsWith(FHIR_ROOT) && (url.length === FHIR_ROOT.length || url[FHIR_ROOT.length] === '/' || url[FHIR_ROOT.length] === '?');
}

export function operationOutcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/**
 * Every error under /fhir is an OperationOutcome with the error's status. A resource the caller may not
 * see is 404 exactly like one that does not exist (the JSON API's 403 NOT_OWNER would reveal that it
 * exists), and a path no route serves is 404 `not-supported`. Our contract code rides along in
 * `issue.details` (system urn:medisync:error-code).
 */
export const FHIR_ERROR_FORMAT: ErrorFormat = {
  appliesTo: (request: FastifyRequest) => isFhirRequest(request.url),
  write(rendered: Rendered, request: FastifyRequest) {
    const unrouted = rendered.status === 404 && !request.routeOptions?.url;
    const hidden = rendered.code === 'NOT_OWNER' || (rendered.code === 'NOT_FOUND' && !unrouted);
    const code: ErrorCode = hidden ? 'NOT_FOUND' : rendered.code;
    const status = hidden ? 404 : rendered.status;
    const diagnostics = unrouted
      ? 'This server does not serve this path or interaction; see /fhir/R4/metadata for what it supports'
      : hidden
        ? 'Resource not found'
        : rendered.message;
    const issue = (text: string): OperationOutcomeIssue => ({
      severity: status >= 500 ? 'fatal' : 'error',
      code: unrouted ? 'not-supported' : (ISSUE_TYPE[code] ?? 'exception'),
      details: { coding: [{ system: ERROR_CODE_SYSTEM, code }] },
      diagnostics: text,
    });
    const details = code === 'VALIDATION_ERROR' ? (rendered.details ?? []) : [];
    const issues = details.length ? details.map((d) => issue(`${d.field}: ${d.message}`)) : [issue(diagnostics)];
    return { status, contentType: FHIR_JSON, body: operationOutcome(issues) };
  },
};
