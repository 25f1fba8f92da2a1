import { ApiProperty } from '@nestjs/swagger';

/**
 * OpenAPI shapes of the FHIR answers, for the document only: the server builds its resources with the
 * FHIR R4 types (`fhir/r4`), and these describe their outline and link to the specification.
 */

export class FhirCodingDto {
  system?: string;
  code?: string;
  display?: string;
}

export class FhirCodeableConceptDto {
  @ApiProperty({ type: [FhirCodingDto], required: false })
  coding?: FhirCodingDto[];
  text?: string;
}

export class OperationOutcomeIssueDto {
  @ApiProperty({ enum: ['fatal', 'error', 'warning', 'information'] })
  severity: string;
  /** FHIR IssueType, e.g. invalid, login, forbidden, not-found, not-supported, throttled, exception, transient. */
  @ApiProperty({ example: 'not-found' })
  code: string;
  /** Our contract's error code (system urn:medisync:error-code), e.g. VALIDATION_ERROR, TOKEN_EXPIRED. */
  @ApiProperty({ type: FhirCodeableConceptDto, required: false })
  details?: FhirCodeableConceptDto;
  /** What went wrong, for a person; never a stack trace or the request echoed back. */
  @ApiProperty({ required: false, example: 'Resource not found' })
  diagnostics?: string;
}

/** Every error under /fhir (https://hl7.org/fhir/R4/operationoutcome.html). */
export class OperationOutcomeDto {
  @ApiProperty({ enum: ['OperationOutcome'] })
  resourceType: 'OperationOutcome';
  @ApiProperty({ type: [OperationOutcomeIssueDto] })
  issue: OperationOutcomeIssueDto[];
}

export class FhirMetaDto {
  /** Changes whenever the resource does; also the ETag (W/"<versionId>"). */
  versionId: string;
  @ApiProperty({ format: 'date-time' })
  lastUpdated: string;
}

/** A FHIR R4 resource (Patient, Appointment, DocumentReference or Practitioner); see docs/fhir.md for the mappings. */
export class FhirResourceDto {
  @ApiProperty({ enum: ['Patient', 'Appointment', 'DocumentReference', 'Practitioner'] })
  resourceType: string;
  /** The same UUID as in the JSON API. */
  @ApiProperty({ format: 'uuid' })
  id: string;
  meta: FhirMetaDto;
}

export class BundleLinkDto {
  @ApiProperty({ enum: ['self', 'next', 'previous'] })
  relation: string;
  @ApiProperty({ format: 'uri' })
  url: string;
}

export class BundleEntryDto {
  @ApiProperty({ format: 'uri' })
  fullUrl: string;
  resource: FhirResourceDto;
}

/** A searchset Bundle (https://hl7.org/fhir/R4/bundle.html): one page of matches, its total and its paging links. */
export class BundleDto {
  @ApiProperty({ enum: ['Bundle'] })
  resourceType: 'Bundle';
  @ApiProperty({ enum: ['searchset'] })
  type: 'searchset';
  /** Matches on every page. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  total: number;
  @ApiProperty({ type: [BundleLinkDto] })
  link: BundleLinkDto[];
  @ApiProperty({ type: [BundleEntryDto], required: false })
  entry?: BundleEntryDto[];
}

/** https://hl7.org/fhir/R4/capabilitystatement.html */
export class CapabilityStatementDto {
  @ApiProperty({ enum: ['CapabilityStatement'] })
  resourceType: 'CapabilityStatement';
  @ApiProperty({ enum: ['4.0.1'] })
  fhirVersion: string;
  @ApiProperty({ type: [String], example: ['json'] })
  format: string[];
}
