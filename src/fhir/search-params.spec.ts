import { AppException } from '../common/errors';
import { calendarDate, dateRange, parseReference, SearchQuery } from './search-params';

const UUID = '0b9c2f5e-3c1a-4f7e-9d2b-1a2b3c4d5e6f';
const iso = (r: { from?: Date; to?: Date } | undefined) => ({ from: r?.from?.toISOString(), to: r?.to?.toISOString() });
const refusal = (fn: () => unknown): string => {
  try {
    fn();
    return 'accepted';
  } catch (e) {
    return e instanceof AppException ? `${e.code} ${e.details?.map((d) => d.field).join(',')}` : String(e);
  }
};

describe('FHIR date search values → half-open ranges', () => {
  it('a date without prefix is the whole UTC year, month or day', () => {
    expect(iso(dateRange('date', ['2026']))).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(iso(dateRange('date', ['2026-02']))).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(iso(dateRange('date', ['2026-12-31']))).toEqual({ from: '2026-12-31T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
  });

  it('ge from the start, gt from the end, le to the end, lt to the start; repeats intersect', () => {
    expect(iso(dateRange('date', ['ge2026-03-01']))).toEqual({ from: '2026-03-01T00:00:00.000Z', to: undefined });
    expect(iso(dateRange('date', ['gt2026-03-01']))).toEqual({ from: '2026-03-02T00:00:00.000Z', to: undefined });
    expect(iso(dateRange('date', ['le2026-03-01']))).toEqual({ from: undefined, to: '2026-03-02T00:00:00.000Z' });
    expect(iso(dateRange('date', ['lt2026-03-01']))).toEqual({ from: undefined, to: '2026-03-01T00:00:00.000Z' });
    expect(iso(dateRange('date', ['ge2026-03-01', 'le2026-03-31', 'ge2026-03-10']))).toEqual({
      from: '2026-03-10T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
  });

  it('date-times: minutes, seconds and milliseconds precision; a zone shifts to UTC; no zone is UTC', () => {
    expect(iso(dateRange('date', ['2026-03-01T10:30']))).toEqual({ from: '2026-03-01T10:30:00.000Z', to: '2026-03-01T10:31:00.000Z' });
    expect(iso(dateRange('date', ['2026-03-01T10:30:15+02:00']))).toEqual({
      from: '2026-03-01T08:30:15.000Z',
      to: '2026-03-01T08:30:16.000Z',
    });
    expect(iso(dateRange('date', ['ge2026-03-01T10:30:15.250Z']))).toEqual({ from: '2026-03-01T10:30:15.250Z', to: undefined });
  });

  it('refuses impossible dates, unsupported prefixes, commas, and times where only a date is meaningful', () => {
    for (const value of ['2026-02-30', '2026-13', 'yesterday', 'ne2026', 'ap2026-01-01', '2026-01-01T25:00', '2026,2027', '0999'])
      expect(refusal(() => dateRange('date', [value]))).toBe('VALIDATION_ERROR date');
    expect(refusal(() => dateRange('birthdate', ['1980-01-01T10:00'], true))).toBe('VALIDATION_ERROR birthdate');
    expect(calendarDate(dateRange('birthdate', ['1980-01'], true)?.to)).toBe('1980-02-01');
  });
});

describe('SearchQuery and references', () => {
  it('refuses parameters the interaction does not support, naming each', () => {
    expect(refusal(() => new SearchQuery({ gender: 'female', _sort: 'name', family: 'X' }, ['family']))).toBe(
      'VALIDATION_ERROR gender,_sort',
    );
    expect(refusal(() => new SearchQuery({ _count: '5' }, [], false))).toBe('VALIDATION_ERROR _count');
  });

  it('_count: default 20, at most 100, at least 1; _offset: a whole number', () => {
    expect(new SearchQuery({}, []).count()).toBe(20);
    expect(new SearchQuery({ _count: '500' }, []).count()).toBe(100);
    expect(refusal(() => new SearchQuery({ _count: '0' }, []).count())).toBe('VALIDATION_ERROR _count');
    expect(refusal(() => new SearchQuery({ _count: ['5', '6'] }, []).count())).toBe('VALIDATION_ERROR _count');
    expect(refusal(() => new SearchQuery({ _offset: '-1' }, []).offset())).toBe('VALIDATION_ERROR _offset');
  });

  it('alternatives: a comma is OR, a repeat is AND; empty values are refused', () => {
    expect(new SearchQuery({ name: ['a,b', 'c'] }, ['name']).alternatives('name')).toEqual([['a', 'b'], ['c']]);
    expect(refusal(() => new SearchQuery({ name: 'a,' }, ['name']).alternatives('name'))).toBe('VALIDATION_ERROR name');
  });

  it('a reference is an id, Type/id or a URL ending in Type/id, and only of that type', () => {
    expect(parseReference('patient', UUID, 'Patient')).toBe(UUID);
    expect(parseReference('patient', `Patient/${UUID.toUpperCase()}`, 'Patient')).toBe(UUID);
    expect(parseReference('patient', `https://example.org/fhir/R4/Patient/${UUID}`, 'Patient')).toBe(UUID);
    for (const value of [`Practitioner/${UUID}`, 'Patient/123', `Patient/${UUID}/extra`])
      expect(refusal(() => parseReference('patient', value, 'Patient'))).toBe('VALIDATION_ERROR patient');
  });
});
