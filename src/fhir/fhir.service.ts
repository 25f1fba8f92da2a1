import { Inject, Injectable } from '@nestjs/common';
import type { Bundle, BundleEntry, BundleLink, FhirResource } from 'fhir/r4';
import { AppointmentStatus } from '../appointments/appointment.entity';
import { AppointmentsService } from '../appointments/appointments.service';
import type { Principal } from '../auth/principal';
import { AppException } from '../common/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { PatientSearch, PatientsService } from '../patients/patients.service';
import { RecordType } from '../records/record.entity';
import { RecordsService } from '../records/records.service';
import { UsersService } from '../users/users.service';
import {
  APPOINTMENT_STATUS_SYSTEM,
  FHIR_APPOINTMENT_STATUS,
  FHIR_APPOINTMENT_STATUSES,
  ID_SYSTEM,
  LOINC,
  RECORD_TYPE_LOINC,
  toFhirAppointment,
  toFhirDocumentReference,
  toFhirPatient,
  toFhirPractitioner,
  versionOf,
} from './mappers';
import { FHIR_BASE_PATH } from './operation-outcome';
import { calendarDate, dateRange, parseReference, parseToken, RawQuery, SearchQuery } from './search-params';

/** The search parameters each resource supports (also what the CapabilityStatement lists). */
export const SEARCH_PARAMETERS = {
  Patient: ['name', 'family', 'given', 'birthdate', 'identifier'],
  Appointment: ['patient', 'date', 'status'],
  DocumentReference: ['patient', 'type'],
} as const;

/** A resource read: the resource, with the version its ETag and Last-Modified headers carry. */
export interface Read<T extends FhirResource> {
  resource: T;
  etag: string;
  lastModified: Date;
}

/** A set of alternatives per occurrence, intersected: the values every occurrence admits. */
function intersect<T>(sets: T[][]): T[] {
  return sets.reduce((acc, set) => acc.filter((v) => set.includes(v)));
}

/**
 * The FHIR R4 face of the clinical modules: it parses FHIR search parameters into their services'
 * searches (which filter by the caller's access in SQL) and maps what they return. It reads no table
 * itself.
 */
@Injectable()
export class FhirService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly patients: PatientsService,
    private readonly appointments: AppointmentsService,
    private readonly records: RecordsService,
    private readonly users: UsersService,
  ) {
    this.base = `${config.appUrl}${FHIR_BASE_PATH}`;
  }

  /** The absolute base URL (APP_URL/fhir/R4), for fullUrl and the paging links. */
  get baseUrl(): string {
    return this.base;
  }

  // --- reads: the route's `owns` rule has decided that the caller may see the resource

  async readPatient(id: string): Promise<Read<ReturnType<typeof toFhirPatient>>> {
    const patient = await this.patients.get(id);
    return { resource: toFhirPatient(patient), ...this.version(patient.updatedAt) };
  }

  async readAppointment(id: string): Promise<Read<ReturnType<typeof toFhirAppointment>>> {
    const appointment = await this.appointments.get(id);
    return { resource: toFhirAppointment(appointment), ...this.version(appointment.updatedAt) };
  }

  async readDocumentReference(id: string): Promise<Read<ReturnType<typeof toFhirDocumentReference>>> {
    const record = await this.records.get(id);
    return { resource: toFhirDocumentReference(record), ...this.version(record.createdAt, true) };
  }

  async readPractitioner(id: string): Promise<Read<ReturnType<typeof toFhirPractitioner>>> {
    const doctor = await this.users.findById(id);
    if (!doctor || doctor.role !== 'doctor') throw new AppException('NOT_FOUND', 'Practitioner not found');
    return { resource: toFhirPractitioner(doctor), ...this.version(doctor.updatedAt) };
  }

  // --- searches: filtered by the caller's access in SQL by each module's service

  async searchPatients(user: Principal, raw: RawQuery): Promise<Bundle> {
    const query = new SearchQuery(raw, SEARCH_PARAMETERS.Patient);
    const search: PatientSearch = { offset: query.offset(), limit: query.count() };
    const names: NonNullable<PatientSearch['names']> = [];
    for (const [param, part] of [
      ['name', 'any'],
      ['family', 'family'],
      ['given', 'given'],
    ] as const) {
      for (const startsWith of query.alternatives(param) ?? []) names.push({ part, startsWith });
    }
    if (names.length) search.names = names;
    const born = dateRange('birthdate', query.occurrences('birthdate'), true);
    if (born) search.birthDate = { from: calendarDate(born.from), to: calendarDate(born.to) };
    const identifiers = query.alternatives('identifier');
    if (identifiers) search.ids = intersect(identifiers.map((values) => values.flatMap((v) => idOfIdentifier(v))));
    const { rows, total } = await this.patients.search(user, search);
    return this.searchset('Patient', query, rows.map(toFhirPatient), total);
  }

  async searchAppointments(user: Principal, raw: RawQuery): Promise<Bundle> {
    const query = new SearchQuery(raw, SEARCH_PARAMETERS.Appointment);
    const page = { offset: query.offset(), limit: query.count() };
    const patients = query.alternatives('patient');
    const statuses = query.alternatives('status');
    const { rows, total } = await this.appointments.search(user, {
      page,
      patientIds: patients && intersect(patients.map((values) => values.map((v) => parseReference('patient', v, 'Patient')))),
      statuses: statuses && intersect(statuses.map((values) => values.flatMap((v) => appointmentStatus(v)))),
      startsAt: dateRange('date', query.occurrences('date')),
    });
    return this.searchset('Appointment', query, rows.map(toFhirAppointment), total);
  }

  async searchDocumentReferences(user: Principal, raw: RawQuery): Promise<Bundle> {
    const query = new SearchQuery(raw, SEARCH_PARAMETERS.DocumentReference);
    const page = { offset: query.offset(), limit: query.count() };
    const patients = query.alternatives('patient');
    const types = query.alternatives('type');
    const { rows, total } = await this.records.search(user, {
      page,
      patientIds: patients && intersect(patients.map((values) => values.map((v) => parseReference('patient', v, 'Patient')))),
      types: types && intersect(types.map((values) => values.flatMap((v) => recordType(v)))),
    });
    return this.searchset('DocumentReference', query, rows.map(toFhirDocumentReference), total);
  }

  /**
   * Patient/$everything: the patient, their doctor, and every appointment and record of theirs that the
   * caller may see, in one searchset Bundle (not paged).
   */
  async everything(user: Principal, patientId: string, raw: RawQuery): Promise<Bundle> {
    new SearchQuery(raw, [], false);
    const patient = await this.patients.get(patientId);
    const [appointments, records, doctor] = await Promise.all([
      this.appointments.search(user, { patientIds: [patientId] }),
      this.records.search(user, { patientIds: [patientId] }),
      this.users.findById(patient.doctorId),
    ]);
    const resources: FhirResource[] = [
      toFhirPatient(patient),
      ...(doctor ? [toFhirPractitioner(doctor)] : []),
      ...appointments.rows.map(toFhirAppointment),
      ...records.rows.map(toFhirDocumentReference),
    ];
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: resources.length,
      link: [{ relation: 'self', url: `${this.base}/Patient/${patientId}/$everything` }],
      entry: resources.map((resource) => this.entry(resource)),
    };
  }

  private version(updatedAt: Date, immutable = false) {
    return { etag: versionOf(updatedAt, immutable).etag, lastModified: updatedAt };
  }

  private entry(resource: FhirResource): BundleEntry {
    return { fullUrl: `${this.base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } };
  }

  /** A page of search results with its total and the self, next and previous links (which keep every parameter given). */
  private searchset(type: string, query: SearchQuery, resources: FhirResource[], total: number): Bundle {
    const offset = query.offset();
    const count = query.count();
    const url = (at: number) => {
      const params = new URLSearchParams(query.entries());
      params.set('_count', String(count));
      if (at > 0) params.set('_offset', String(at));
      return `${this.base}/${type}?${params.toString()}`;
    };
    const link: BundleLink[] = [{ relation: 'self', url: url(offset) }];
    if (offset + count < total) link.push({ relation: 'next', url: url(offset + count) });
    if (offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
    return { resourceType: 'Bundle', type: 'searchset', total, link, entry: resources.map((resource) => this.entry(resource)) };
  }
}

/** `identifier`: our ids are `urn:ietf:rfc:3986|urn:uuid:<id>`; any other system or value names none of ours. */
function idOfIdentifier(value: string): string[] {
  const { system, code } = parseToken(value);
  if (system !== undefined && system !== ID_SYSTEM) return [];
  const match = /^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(code);
  return match ? [match[1].toLowerCase()] : [];
}

/** `status`: a FHIR AppointmentStatus code → ours (a FHIR status we never use matches nothing; a non-code is 400). */
function appointmentStatus(value: string): AppointmentStatus[] {
  const { system, code } = parseToken(value);
  if (system !== undefined && system !== APPOINTMENT_STATUS_SYSTEM) return [];
  if (!FHIR_APPOINTMENT_STATUSES.includes(code as (typeof FHIR_APPOINTMENT_STATUSES)[number]))
    throw AppException.validation([
      { field: 'status', message: `must be a FHIR AppointmentStatus code (${FHIR_APPOINTMENT_STATUSES.join(', ')})` },
    ]);
  return (Object.keys(FHIR_APPOINTMENT_STATUS) as AppointmentStatus[]).filter((ours) => FHIR_APPOINTMENT_STATUS[ours] === code);
}

/** `type`: a LOINC document code (with or without the system http://loinc.org) → our record types. */
function recordType(value: string): RecordType[] {
  const { system, code } = parseToken(value);
  if (system !== undefined && system !== LOINC) return [];
  return (Object.keys(RECORD_TYPE_LOINC) as RecordType[]).filter((type) => RECORD_TYPE_LOINC[type].code === code);
}
