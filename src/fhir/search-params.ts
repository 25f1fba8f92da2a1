import { AppException, ErrorDetail } from '../common/errors';

/** A query string as Fastify parses it: a repeated parameter is an array. */
export type RawQuery = Record<string, string | string[] | undefined>;

/** Parameters every FHIR interaction here accepts (besides its own search parameters). */
const GENERAL = ['_format'];
/** Paging parameters of a search: `_count` (page size) and `_offset` (where the page starts, written into Bundle.link). */
const PAGING = ['_count', '_offset'];

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;
const MAX_OFFSET = 100_000;
const MAX_VALUE_LENGTH = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A half-open range [from, to) of instants; either end may be open. */
export interface InstantRange {
  from?: Date;
  to?: Date;
}

const invalid = (field: string, message: string) => AppException.validation([{ field, message }]);

/**
 * The parameters of one FHIR request, checked against the ones the interaction supports: an unknown
 * parameter is refused (400) rather than ignored, so that a filter nobody applied never looks like an
 * empty or complete answer (FHIR's strict handling).
 */
export class SearchQuery {
  private readonly params = new Map<string, string[]>();

  constructor(raw: RawQuery, supported: readonly string[], paged = true) {
    const known = new Set([...GENERAL, ...(paged ? PAGING : []), ...supported]);
    const unknown: ErrorDetail[] = [];
    for (const [name, value] of Object.entries(raw ?? {})) {
      if (value === undefined) continue;
      if (!known.has(name)) {
        unknown.push({ field: name.slice(0, 50), message: 'is not a supported parameter here (see /fhir/R4/metadata)' });
        continue;
      }
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) if (v.length > MAX_VALUE_LENGTH) throw invalid(name, `must be at most ${MAX_VALUE_LENGTH} characters`);
      this.params.set(name, values);
    }
    if (unknown.length) throw AppException.validation(unknown);
  }

  /** Each occurrence of the parameter (repeats are ANDed), each split at its commas (alternatives, ORed). */
  alternatives(name: string): string[][] | undefined {
    const occurrences = this.params.get(name);
    if (!occurrences) return undefined;
    return occurrences.map((occurrence) => {
      const values = occurrence.split(',').map((v) => v.trim());
      if (values.some((v) => v === '')) throw invalid(name, 'must not be empty');
      return values;
    });
  }

  /** Every occurrence of a parameter that takes one value each time. */
  occurrences(name: string): string[] | undefined {
    return this.params.get(name);
  }

  /** `_count`: the page size, default 20; more than 100 is served as 100 (a server may return fewer). */
  count(): number {
    const raw = this.single('_count');
    if (raw === undefined) return DEFAULT_COUNT;
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) throw invalid('_count', 'must be a whole number of at least 1');
    return Math.min(Number(raw), MAX_COUNT);
  }

  /** `_offset`: how many matches the page skips (the paging links carry it). */
  offset(): number {
    const raw = this.single('_offset');
    if (raw === undefined) return 0;
    if (!/^\d{1,6}$/.test(raw) || Number(raw) > MAX_OFFSET) throw invalid('_offset', `must be a whole number from 0 to ${MAX_OFFSET}`);
    return Number(raw);
  }

  /** The parameters as given, for Bundle.link self/next/previous (paging ones left to the caller). */
  entries(): Array<[string, string]> {
    return [...this.params.entries()]
      .filter(([name]) => !PAGING.includes(name))
      .flatMap(([name, values]) => values.map((v) => [name, v] as [string, string]));
  }

  private single(name: string): string | undefined {
    const values = this.params.get(name);
    if (values && values.length > 1) throw invalid(name, 'must be given once');
    return values?.[0];
  }
}

/** A token `system|code`, `|code` (no system) or `code` (any system). */
export interface Token {
  /** undefined: any system; '': no system. */
  system?: string;
  code: string;
}

export function parseToken(value: string): Token {
  const bar = value.indexOf('|');
  if (bar === -1) return { code: value };
  return { system: value.slice(0, bar), code: value.slice(bar + 1) };
}

/** A reference to a resource of `type` by its id: `<id>`, `Type/<id>`, or an absolute URL ending in `Type/<id>`. */
export function parseReference(param: string, value: string, type: string): string {
  const match = new RegExp(`^(?:(?:https?://\\S+/)?${type}/)?([^/]+)$`).exec(value);
  if (!match || !UUID.test(match[1])) throw invalid(param, `must be a ${type} id (a UUID) or ${type}/<id>`);
  return match[1].toLowerCase();
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const PREFIXES = ['eq', 'ge', 'gt', 'le', 'lt'] as const;
type Prefix = (typeof PREFIXES)[number];

/**
 * The instants a FHIR date search value stands for, as [start, end): `2026`, `2026-03`, `2026-03-14`
 * (whole UTC year, month or day), or a date-time (`2026-03-14T09:30`, with seconds and fractions; a
 * time without a zone is UTC).
 */
function valueRange(param: string, value: string, dateOnly: boolean): { start: Date; end: Date } {
  const m = DATE.exec(value);
  if (!m)
    throw invalid(param, 'must be a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD) or date-time, with an optional prefix eq, ge, gt, le or lt');
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  if (dateOnly && h !== undefined) throw invalid(param, 'must be a date (YYYY, YYYY-MM or YYYY-MM-DD), without a time');
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  // a day, month, hour or minute out of range rolls over in Date.UTC: refuse it instead
  if (
    local.getUTCFullYear() !== year ||
    local.getUTCMonth() !== month - 1 ||
    local.getUTCDate() !== day ||
    local.getUTCHours() !== hour ||
    local.getUTCMinutes() !== minute ||
    local.getUTCSeconds() !== second ||
    year < 1000
  )
    throw invalid(param, 'is not a real date or time');
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    if (zh > 14 || zm > 59) throw invalid(param, 'has a time zone offset out of range');
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const start = new Date(local.getTime() - offsetMinutes * 60_000);
  const end = new Date(start);
  if (mo === undefined) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (d === undefined) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (h === undefined) end.setUTCDate(end.getUTCDate() + 1);
  else if (s === undefined) end.setTime(end.getTime() + 60_000);
  else if (fraction === undefined) end.setTime(end.getTime() + 1000);
  else end.setTime(end.getTime() + 1);
  return { start, end };
}

/**
 * Every occurrence of a date parameter (`date=ge2026-03-01&date=le2026-03-31`), intersected into one
 * half-open range on the resource's instant: ge → from the value's start, gt → from its end, le → to its
 * end, lt → to its start, eq (or no prefix) → within it. `ne`, `sa`, `eb` and `ap` are not supported.
 */
export function dateRange(param: string, occurrences: string[] | undefined, dateOnly = false): InstantRange | undefined {
  if (!occurrences) return undefined;
  const range: InstantRange = {};
  const from = (d: Date) => (range.from = range.from && range.from > d ? range.from : d);
  const to = (d: Date) => (range.to = range.to && range.to < d ? range.to : d);
  for (const occurrence of occurrences) {
    if (occurrence.includes(',')) throw invalid(param, 'takes one value per parameter; repeat the parameter to combine conditions');
    const prefix = (/^[a-z]{2}/.test(occurrence) ? occurrence.slice(0, 2) : 'eq') as Prefix;
    if (!PREFIXES.includes(prefix)) throw invalid(param, 'supports the prefixes eq, ge, gt, le and lt');
    const { start, end } = valueRange(param, /^[a-z]{2}/.test(occurrence) ? occurrence.slice(2) : occurrence, dateOnly);
    if (prefix === 'ge') from(start);
    else if (prefix === 'gt') from(end);
    else if (prefix === 'le') to(end);
    else if (prefix === 'lt') to(start);
    else {
      from(start);
      to(end);
    }
  }
  return range;
}

/** A calendar date (YYYY-MM-DD) of an instant at UTC midnight, for date columns. */
export const calendarDate = (d: Date | undefined): string | undefined => d?.toISOString().slice(0, 10);
