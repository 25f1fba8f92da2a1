import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength, registerDecorator, ValidateIf, ValidationArguments } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE, passwordProblem } from './password-policy';

/** Trims and lower-cases a string (emails are compared case-insensitively). */
export const NormalizeEmail = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));
/** Trims a string; any other type is left for the validators to refuse. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** An email address: trimmed, lower-cased, at most 254 characters. */
export const IsAccountEmail = () =>
  applyDecorators(
    NormalizeEmail(),
    IsString(),
    MaxLength(254),
    IsEmail({ allow_display_name: false, allow_ip_domain: false }, { message: 'email must be a valid email address' }),
    ApiProperty({ format: 'email', maxLength: 254, example: 'dr.jane.doe@example.org' }),
  );

/** The contract's password rule; the exact string is kept (no trimming, no case folding). */
export function IsPassword(example = 'Correct-Horse-9') {
  return applyDecorators(
    ApiProperty({
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      format: 'password',
      example,
      description: `Must be ${PASSWORD_RULE.replace(/^must be /, '')}.`,
    }),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isPassword',
        target: target.constructor,
        propertyName: String(propertyName),
        validator: {
          validate: (value: unknown) => passwordProblem(value) === null,
          defaultMessage: (args?: ValidationArguments) =>
            `${args?.property ?? 'password'} ${passwordProblem(args?.value) ?? PASSWORD_RULE}`,
        },
      }),
  );
}

/** Letters, combining marks, spaces, apostrophes (' and ’), hyphens and dots; at least one letter. Rules out `://` and control characters. */
export const PERSON_NAME = /^(?=.*\p{L})[\p{L}\p{M} '’.-]+$/u;
/** Text without control characters (C0, DEL, C1) or line/paragraph separators, and without `://` (no links in text that reaches an email). */
const PLAIN_TEXT = /^(?!.*:\/\/)[^\p{Cc}\u2028\u2029]*$/su;

/**
 * A person's name (registration, profile, patients): trimmed, 1 to `max` characters of letters, marks,
 * spaces, apostrophes, hyphens and dots (any script).
 */
export const IsName = (max = 100) =>
  applyDecorators(
    Trim(),
    IsString(),
    MinLength(1, { message: '$property must not be empty' }),
    MaxLength(max),
    Matches(PERSON_NAME, { message: '$property may contain only letters, marks, spaces, apostrophes, hyphens and dots' }),
    ApiProperty({
      minLength: 1,
      maxLength: max,
      description: 'A person name: letters and marks of any script, spaces, apostrophes, hyphens and dots.',
    }),
  );

/** A short profile text (title, specialty, EHR system): trimmed, 1 to `max` characters, no control characters, no `://`. */
export const IsProfileText = (max = 100) =>
  applyDecorators(
    Trim(),
    IsString(),
    MinLength(1, { message: '$property must not be empty' }),
    MaxLength(max),
    Matches(PLAIN_TEXT, { message: '$property must not contain control characters or links' }),
  );

/** Optional, but when present not null (for columns that cannot be empty). `@IsOptional()` would let null through. */
export const IsOptionalNonNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The instants a date-time field accepts (contract v2: appointment times between 1900-01-01 and 2100-12-31). */
export const EARLIEST_INSTANT = '1900-01-01T00:00:00Z';
export const LATEST_INSTANT = '2100-12-31T23:59:59.999Z';

/** A real UTC offset: hours 00..14, minutes 00..59 (-23:59 is not one). */
function offsetIsReal(value: string): boolean {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(value);
  if (!m) return true; // Z
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return Number(m[3]) < 60 && minutes <= 14 * 60;
}

/**
 * An ISO-8601 date-time with a time zone, e.g. 2027-01-31T23:59:59Z, that is a real instant between
 * 1900-01-01 and 2100-12-31 (UTC) with a real offset (at most ±14:00).
 */
export function IsIsoDateTime() {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoDateTime',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) return false;
          // Date.parse rolls 2026-02-30 over to March: the calendar date must exist as written
          const [y, m, d] = value.slice(0, 10).split('-').map(Number);
          const day = new Date(Date.UTC(y, m - 1, d));
          if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return false;
          const instant = Date.parse(value);
          return offsetIsReal(value) && instant >= Date.parse(EARLIEST_INSTANT) && instant <= Date.parse(LATEST_INSTANT);
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be an ISO-8601 date-time with a time zone between 1900-01-01 and 2100-12-31, e.g. 2027-01-31T23:59:59Z`,
      },
    });
}
