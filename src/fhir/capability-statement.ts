import type { CapabilityStatement, CapabilityStatementRestResource, CapabilityStatementRestResourceSearchParam } from 'fhir/r4';
import { SEARCH_PARAMETERS } from './fhir.service';

type SearchType = CapabilityStatementRestResourceSearchParam['type'];

/** Each supported search parameter: its FHIR type, its standard definition, and what it does here. */
const PARAMETERS: Record<string, Record<string, { type: SearchType; definition: string; documentation: string }>> = {
  Patient: {
    name: {
      type: 'string',
      definition: 'http://hl7.org/fhir/SearchParameter/Patient-name',
      documentation: 'Family or given name starts with the value (case-insensitive)',
    },
    family: {
      type: 'string',
      definition: 'http://hl7.org/fhir/SearchParameter/individual-family',
      documentation: 'Family name starts with the value (case-insensitive)',
    },
    given: {
      type: 'string',
      definition: 'http://hl7.org/fhir/SearchParameter/individual-given',
      documentation: 'Given name starts with the value (case-insensitive)',
    },
    birthdate: {
      type: 'date',
      definition: 'http://hl7.org/fhir/SearchParameter/individual-birthdate',
      documentation: 'Date of birth; prefixes eq, ge, gt, le, lt; a date (YYYY, YYYY-MM, YYYY-MM-DD)',
    },
    identifier: {
      type: 'token',
      definition: 'http://hl7.org/fhir/SearchParameter/Patient-identifier',
      documentation: 'urn:ietf:rfc:3986|urn:uuid:<id> (the id is also the FHIR id)',
    },
  },
  Appointment: {
    patient: {
      type: 'reference',
      definition: 'http://hl7.org/fhir/SearchParameter/Appointment-patient',
      documentation: 'Patient/<id> or <id>',
    },
    date: {
      type: 'date',
      definition: 'http://hl7.org/fhir/SearchParameter/Appointment-date',
      documentation:
        'Start time; prefixes eq, ge, gt, le, lt; repeat for a range (date=ge2026-03-01&date=le2026-03-31); UTC unless a zone is given',
    },
    status: {
      type: 'token',
      definition: 'http://hl7.org/fhir/SearchParameter/Appointment-status',
      documentation: 'booked (planned), fulfilled (finished), cancelled (canceled)',
    },
  },
  DocumentReference: {
    patient: {
      type: 'reference',
      definition: 'http://hl7.org/fhir/SearchParameter/clinical-patient',
      documentation: 'Patient/<id> or <id>',
    },
    type: {
      type: 'token',
      definition: 'http://hl7.org/fhir/SearchParameter/clinical-type',
      documentation: 'A LOINC document code (http://loinc.org|11506-3), see docs/fhir.md',
    },
  },
};

const searchable = (type: keyof typeof SEARCH_PARAMETERS): CapabilityStatementRestResource => ({
  type,
  interaction: [{ code: 'read' }, { code: 'search-type' }],
  versioning: 'versioned',
  readHistory: false,
  searchParam: SEARCH_PARAMETERS[type].map((name) => ({ name, ...PARAMETERS[type][name] })),
});

/** When what this statement lists last changed (CapabilityStatement.date). */
const CHANGED = '2026-11-27';

/** What the server supports, exactly: read and search of four resources, Patient/$everything, JSON only. */
export function capabilityStatement(baseUrl: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: CHANGED,
    publisher: 'MediSync API',
    kind: 'instance',
    software: { name: 'MediSync API' },
    implementation: { description: 'MediSync API: the clinical data a caller may see, read-only', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read-only. Paging: _count (default 20, at most 100) and the Bundle.link next/previous URLs. An unknown search parameter is 400. Every error is an OperationOutcome.',
        security: {
          cors: false,
          description:
            'Authorization: Bearer <token> from POST /api/login. Doctors (on a plan with the fhir feature: Professional or Enterprise) see their own patients and what belongs to them; a patient-portal account sees its own data with no plan; admins see everything. A resource the caller may not see is 404.',
        },
        resource: [
          {
            ...searchable('Patient'),
            operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
          },
          searchable('Appointment'),
          searchable('DocumentReference'),
          { type: 'Practitioner', interaction: [{ code: 'read' }], versioning: 'versioned', readHistory: false },
        ],
      },
    ],
  };
}
