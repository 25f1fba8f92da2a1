import { applyDecorators, Controller, Get, Header, Query, Res, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Bundle, CapabilityStatement, FhirResource } from 'fhir/r4';
import { Auth, AuthOptions, Public } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { UuidParam } from '../common/uuid-param';
import { capabilityStatement } from './capability-statement';
import { BundleDto, CapabilityStatementDto, FhirResourceDto, OperationOutcomeDto } from './dto/fhir.dto';
import { FhirFormatGuard } from './fhir-format.guard';
import { FhirService, Read } from './fhir.service';
import { FHIR_JSON } from './operation-outcome';
import type { RawQuery } from './search-params';

/** Who reads over FHIR: doctors on a plan with `fhir`, patient-portal accounts (their own data, no plan), admins. */
const READERS: AuthOptions = { roles: ['doctor', 'patient'], subscription: 'fhir' };

/** The errors of every FHIR operation, as OperationOutcome (these override the envelope that @Auth documents). */
function FhirErrors(...extra: Array<[number, string]>) {
  const outcome = (status: number, description: string) => ApiResponse({ status, description, type: OperationOutcomeDto });
  return applyDecorators(
    outcome(400, 'OperationOutcome `invalid`: a search parameter is malformed, or not supported here'),
    outcome(415, 'OperationOutcome `not-supported`: XML (or another format) was asked for; only FHIR JSON is served'),
    outcome(429, 'OperationOutcome `throttled`: too many requests; see Retry-After'),
    outcome(500, 'OperationOutcome `exception`: an unexpected error (logged with the request id)'),
    outcome(503, 'OperationOutcome `transient`: the database is unreachable; retry later'),
    ...extra.map(([status, description]) => outcome(status, description)),
  );
}

/** The errors of an authenticated FHIR operation. */
const AUTHENTICATED_ERRORS: Array<[number, string]> = [
  [401, 'OperationOutcome `login`: no, a malformed, an expired or a revoked bearer token'],
  [
    403,
    'OperationOutcome `forbidden`: email not verified, a role that may not read FHIR, or a doctor without a plan that includes fhir (Basic does not)',
  ],
];
const NOT_FOUND: [number, string] = [
  404,
  'OperationOutcome `not-found`: no such resource, or one the caller may not see (the two are not told apart)',
];

const searchParam = (name: string, description: string, type: 'string' | 'integer' = 'string') =>
  ApiQuery({ name, required: false, description, schema: { type } });
const PAGING = [
  searchParam('_count', 'Page size: default 20; more than 100 is served as 100', 'integer'),
  searchParam('_offset', 'Matches to skip (the Bundle.link next/previous URLs carry it)', 'integer'),
  searchParam('_format', '`json` (or a JSON media type); XML is refused with 415'),
];

function sendRead<T extends FhirResource>(reply: FastifyReply, read: Read<T>): T {
  void reply.header('etag', read.etag).header('last-modified', read.lastModified.toUTCString());
  return read.resource;
}

/**
 * The FHIR R4 face of the clinical data (read-only), at /fhir/R4 outside the /api prefix. Access is
 * declared exactly as on the JSON API (roles, subscription, ownership), and searches are filtered in SQL
 * by the same ownership rules; every error is an OperationOutcome (FHIR_ERROR_FORMAT).
 */
@ApiTags('FHIR')
@ApiProduces('application/fhir+json')
@ApiExtraModels(FhirResourceDto)
@Controller('fhir/R4')
@UseGuards(FhirFormatGuard)
export class FhirController {
  constructor(private readonly fhir: FhirService) {}

  /** What this server supports: resources, interactions, search parameters, JSON only. Public. */
  @Get('metadata')
  @Public()
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirCapabilities', summary: 'FHIR CapabilityStatement' })
  @ApiOkResponse({ type: CapabilityStatementDto })
  @FhirErrors()
  @(PAGING[2])
  metadata(): CapabilityStatement {
    return capabilityStatement(this.fhir.baseUrl);
  }

  /** The patients the caller may see: a doctor's own, a patient's own record, every one for admin. */
  @Get('Patient')
  @FhirErrors(...AUTHENTICATED_ERRORS)
  @Auth(READERS)
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirSearchPatient', summary: 'Search Patient' })
  @ApiOkResponse({ type: BundleDto, description: 'A searchset Bundle of Patient' })
  @applyDecorators(
    searchParam('name', 'Family or given name starts with (case-insensitive); commas: any of'),
    searchParam('family', 'Family name starts with'),
    searchParam('given', 'Given name starts with'),
    searchParam('birthdate', 'Date of birth, with prefix eq, ge, gt, le or lt (e.g. ge1980-01-01); repeatable'),
    searchParam('identifier', 'urn:ietf:rfc:3986|urn:uuid:<id>'),
    ...PAGING,
  )
  searchPatients(@CurrentUser() user: Principal, @Query() query: RawQuery): Promise<Bundle> {
    return this.fhir.searchPatients(user, query);
  }

  @Get('Patient/:id')
  @FhirErrors(...AUTHENTICATED_ERRORS, NOT_FOUND)
  @Auth({ ...READERS, owns: { resource: 'patient', param: 'id', orPatient: true } })
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirReadPatient', summary: 'Read Patient' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: FhirResourceDto, description: 'A Patient, with ETag and Last-Modified' })
  async readPatient(@UuidParam('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendRead(reply, await this.fhir.readPatient(id));
  }

  /** The patient's right of access in one call: the patient, their doctor, their appointments and records. */
  @Get('Patient/:id/$everything')
  @FhirErrors(...AUTHENTICATED_ERRORS, NOT_FOUND)
  @Auth({ ...READERS, owns: { resource: 'patient', param: 'id', orPatient: true } })
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirPatientEverything', summary: 'Patient $everything' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({
    type: BundleDto,
    description: 'A searchset Bundle: Patient, Practitioner, Appointment and DocumentReference (not paged)',
  })
  everything(@CurrentUser() user: Principal, @UuidParam('id') id: string, @Query() query: RawQuery): Promise<Bundle> {
    return this.fhir.everything(user, id, query);
  }

  /** The appointments the caller may see, by start time. */
  @Get('Appointment')
  @FhirErrors(...AUTHENTICATED_ERRORS)
  @Auth(READERS)
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirSearchAppointment', summary: 'Search Appointment' })
  @ApiOkResponse({ type: BundleDto, description: 'A searchset Bundle of Appointment' })
  @applyDecorators(
    searchParam('patient', 'Patient/<id> or <id>; commas: any of'),
    searchParam('date', 'Start, with prefix eq, ge, gt, le or lt; repeat for a range (date=ge2026-03-01&date=le2026-03-31)'),
    searchParam('status', 'booked, fulfilled or cancelled (our planned, finished, canceled); commas: any of'),
    ...PAGING,
  )
  searchAppointments(@CurrentUser() user: Principal, @Query() query: RawQuery): Promise<Bundle> {
    return this.fhir.searchAppointments(user, query);
  }

  @Get('Appointment/:id')
  @FhirErrors(...AUTHENTICATED_ERRORS, NOT_FOUND)
  @Auth({ ...READERS, owns: { resource: 'appointment', param: 'id', orPatient: true } })
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirReadAppointment', summary: 'Read Appointment' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: FhirResourceDto, description: 'An Appointment, with ETag and Last-Modified' })
  async readAppointment(@UuidParam('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendRead(reply, await this.fhir.readAppointment(id));
  }

  /** The medical records the caller may see, newest first. */
  @Get('DocumentReference')
  @FhirErrors(...AUTHENTICATED_ERRORS)
  @Auth(READERS)
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirSearchDocumentReference', summary: 'Search DocumentReference (medical records)' })
  @ApiOkResponse({ type: BundleDto, description: 'A searchset Bundle of DocumentReference' })
  @applyDecorators(
    searchParam('patient', 'Patient/<id> or <id>; commas: any of'),
    searchParam('type', 'A LOINC document code, e.g. http://loinc.org|11506-3 (see docs/fhir.md); commas: any of'),
    ...PAGING,
  )
  searchDocumentReferences(@CurrentUser() user: Principal, @Query() query: RawQuery): Promise<Bundle> {
    return this.fhir.searchDocumentReferences(user, query);
  }

  @Get('DocumentReference/:id')
  @FhirErrors(...AUTHENTICATED_ERRORS, NOT_FOUND)
  @Auth({ ...READERS, owns: { resource: 'record', param: 'id', orPatient: true } })
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirReadDocumentReference', summary: 'Read DocumentReference (a medical record)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: FhirResourceDto, description: 'A DocumentReference, the text as a base64 text/plain attachment' })
  async readDocumentReference(@UuidParam('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendRead(reply, await this.fhir.readDocumentReference(id));
  }

  /** A doctor: the doctor themself, their patients and admins may read it. */
  @Get('Practitioner/:id')
  @FhirErrors(...AUTHENTICATED_ERRORS, NOT_FOUND)
  @Auth({ ...READERS, owns: { resource: 'doctor', param: 'id', orPatient: true } })
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'fhirReadPractitioner', summary: 'Read Practitioner (a doctor)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: FhirResourceDto, description: 'A Practitioner: name, and the specialty as a qualification' })
  async readPractitioner(@UuidParam('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendRead(reply, await this.fhir.readPractitioner(id));
  }
}
