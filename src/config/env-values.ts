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
