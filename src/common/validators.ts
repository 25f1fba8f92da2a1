import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength, registerDecorator, ValidateIf, ValidationArguments } from 'class-validator';
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

/** A required, trimmed, non-empty text field of at most `max` characters. */
export const IsName = (max = 100) => applyDecorators(Trim(), IsString(), MinLength(1), MaxLength(max));

/** Optional, but when present not null (for columns that cannot be empty). `@IsOptional()` would let null through. */
export const IsOptionalNonNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with a time zone, e.g. 2027-01-31T23:59:59Z, that is a real instant. */
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
          return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be an ISO-8601 date-time with a time zone, e.g. 2027-01-31T23:59:59Z`,
      },
    });
}
