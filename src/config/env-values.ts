/** Transforms shared by the area classes: an environment value is a string, or absent. */

/** `true`/`1`/`yes`/`on` and `false`/`0`/`no`/`off`, any case; anything else stays a string so that IsBoolean reports it. */
export const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

/** Digits only; anything else stays a string so that IsInt reports it. */
export const toInt = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
};

/** An empty value counts as unset, so the default applies. */
export const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** A duration: a whole number with a unit, e.g. `15m`, `24h`, `30d` (units s, m, h, d). */
export const DURATION = /^[1-9]\d*(s|m|h|d)$/;
export const DURATION_MESSAGE = '$property must be a duration such as 15m, 24h or 30d (units s, m, h, d)';

/** Milliseconds of a value that matched DURATION. */
export function parseDuration(value: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(value)!;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
