import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppException } from '../common/errors';

/** `_format` values that mean JSON (FHIR's short form and the media types). */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);
/** Media types in Accept that a JSON answer satisfies. */
const JSON_ACCEPTED = new Set(['application/fhir+json', 'application/json', 'application/*', '*/*']);

const mediaType = (value: string) => value.split(';')[0].trim().toLowerCase();

/** Is `q=0` given for this Accept entry (explicitly not acceptable)? */
const refused = (entry: string) => /;\s*q\s*=\s*0(?:\.0*)?\s*(?:;|$)/i.test(entry);

/**
 * The FHIR interface speaks JSON only: `_format=json` (or a JSON media type) and an Accept that admits
 * JSON are served; XML (`_format=xml`, `Accept: application/fhir+xml`) or any other format is refused
 * with 415 in an OperationOutcome, before the handler runs.
 */
@Injectable()
export class FhirFormatGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = (request.query ?? {}) as Record<string, unknown>;
    const formats = ([] as unknown[]).concat(query._format ?? []);
    for (const format of formats) {
      if (typeof format !== 'string' || !JSON_FORMATS.has(mediaType(format))) throw unsupported();
    }
    const accept = request.headers.accept;
    if (formats.length === 0 && typeof accept === 'string' && accept.trim() !== '') {
      const entries = accept.split(',');
      if (!entries.some((entry) => JSON_ACCEPTED.has(mediaType(entry)) && !refused(entry))) throw unsupported();
    }
    return true;
  }
}

function unsupported(): AppException {
  return new AppException('UNSUPPORTED_MEDIA_TYPE', 'This server answers in FHIR JSON only (application/fhir+json); XML is not supported');
}
