import type { Appointment as FhirAppointment, DocumentReference, Meta, Patient as FhirPatient, Practitioner } from 'fhir/r4';
import type { Appointment, AppointmentStatus } from '../appointments/appointment.entity';
import type { Patient } from '../patients/patient.entity';
import type { MedicalRecord, RecordType } from '../records/record.entity';
import type { User } from '../users/user.entity';

/** The identifier system of our ids: `urn:uuid:<id>` (RFC 3986 URIs); the FHIR id is the same UUID. */
export const ID_SYSTEM = 'urn:ietf:rfc:3986';
export const LOINC = 'http://loinc.org';
export const APPOINTMENT_STATUS_SYSTEM = 'http://hl7.org/fhir/appointmentstatus';

/** Our appointment statuses as FHIR's AppointmentStatus codes. */
export const FHIR_APPOINTMENT_STATUS = {
  planned: 'booked',
  finished: 'fulfilled',
  canceled: 'cancelled',
} as const satisfies Record<AppointmentStatus, FhirAppointment['status']>;

/** Every code of FHIR R4's AppointmentStatus value set; the ones we do not use match no appointment. */
export const FHIR_APPOINTMENT_STATUSES: ReadonlyArray<FhirAppointment['status']> = [
  'proposed',
  'pending',
  'booked',
  'arrived',
  'fulfilled',
  'cancelled',
  'noshow',
  'entered-in-error',
  'checked-in',
  'waitlist',
];

/**
 * Each record type as a LOINC document type code (LOINC Document Ontology), the coded
 * DocumentReference.type; listed in docs/fhir.md.
 */
export const RECORD_TYPE_LOINC = {
  note: { code: '11506-3', display: 'Progress note' },
  diagnosis: { code: '51848-0', display: 'Evaluation note' },
  prescription: { code: '57833-6', display: 'Prescription for medication' },
  lab_result: { code: '11502-2', display: 'Laboratory report' },
  other: { code: '34109-9', display: 'Note' },
} as const satisfies Record<RecordType, { code: string; display: string }>;

/**
 * meta and the ETag of a resource: the version is the row's last change (milliseconds since the epoch),
 * so it changes whenever the row does; a record is written once and never changes (version 1).
 */
export function versionOf(updatedAt: Date, immutable = false): { meta: Meta; etag: string } {
  const versionId = immutable ? '1' : String(updatedAt.getTime());
  return { meta: { versionId, lastUpdated: updatedAt.toISOString() }, etag: `W/"${versionId}"` };
}

const uuidIdentifier = (id: string) => [{ system: ID_SYSTEM, value: `urn:uuid:${id}` }];

export function toFhirPatient(p: Patient): FhirPatient {
  const telecom: FhirPatient['telecom'] = [];
  if (p.email) telecom.push({ system: 'email', value: p.email });
  if (p.phone) telecom.push({ system: 'phone', value: p.phone });
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: versionOf(p.updatedAt).meta,
    identifier: uuidIdentifier(p.id),
    active: true,
    name: [{ use: 'official', family: p.lastName, given: [p.firstName], text: `${p.firstName} ${p.lastName}` }],
    ...(telecom.length ? { telecom } : {}),
    birthDate: p.dateOfBirth,
    generalPractitioner: [{ reference: `Practitioner/${p.doctorId}` }],
  };
}

export function toFhirAppointment(a: Appointment): FhirAppointment {
  return {
    resourceType: 'Appointment',
    id: a.id,
    meta: versionOf(a.updatedAt).meta,
    identifier: uuidIdentifier(a.id),
    status: FHIR_APPOINTMENT_STATUS[a.status],
    description: a.reason,
    start: a.startsAt.toISOString(),
    end: a.endsAt.toISOString(),
    created: a.createdAt.toISOString(),
    participant: [
      { actor: { reference: `Patient/${a.patientId}` }, required: 'required', status: 'accepted' },
      { actor: { reference: `Practitioner/${a.doctorId}` }, required: 'required', status: 'accepted' },
    ],
  };
}

export function toFhirDocumentReference(r: MedicalRecord): DocumentReference {
  const loinc = RECORD_TYPE_LOINC[r.type];
  return {
    resourceType: 'DocumentReference',
    id: r.id,
    meta: versionOf(r.createdAt, true).meta,
    identifier: uuidIdentifier(r.id),
    status: 'current',
    type: { coding: [{ system: LOINC, code: loinc.code, display: loinc.display }], text: r.type },
    subject: { reference: `Patient/${r.patientId}` },
    date: r.createdAt.toISOString(),
    author: [{ reference: `Practitioner/${r.authorId}` }],
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          data: Buffer.from(r.content, 'utf8').toString('base64'),
          creation: r.createdAt.toISOString(),
        },
      },
    ],
  };
}

/** A doctor: name (with the title as prefix) and the specialty as a qualification. No contact details. */
export function toFhirPractitioner(u: User): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: u.id,
    meta: versionOf(u.updatedAt).meta,
    identifier: uuidIdentifier(u.id),
    active: u.disabledAt === null,
    name: [
      {
        use: 'official',
        family: u.lastName,
        given: [u.firstName],
        ...(u.title ? { prefix: [u.title] } : {}),
        text: [u.title, u.firstName, u.lastName].filter(Boolean).join(' '),
      },
    ],
    ...(u.specialty ? { qualification: [{ code: { text: u.specialty } }] } : {}),
  };
}
