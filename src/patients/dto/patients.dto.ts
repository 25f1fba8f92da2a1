import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, registerDecorator, ValidationArguments } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { PageMetaDto, PaginationQueryDto } from '../../common/pagination.dto';
import { IsAccountEmail, IsName, IsOptionalNonNull, NormalizeEmail, Trim } from '../../common/validators';
import { Patient } from '../patient.entity';

/** A real calendar date, YYYY-MM-DD, not in the future and not before 1900. */
function IsBirthDate() {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isBirthDate',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const d = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value) && value >= '1900-01-01' && d.getTime() <= Date.now();
        },
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'dateOfBirth'} must be a past date, YYYY-MM-DD`,
      },
    });
}

const PHONE = /^\+?[0-9 ()./-]{3,30}$/;

export class CreatePatientDto {
  @IsName()
  @ApiProperty({ example: 'Max' })
  firstName: string;

  @IsName()
  @ApiProperty({ example: 'Mustermann' })
  lastName: string;

  @IsBirthDate()
  @ApiProperty({ format: 'date', example: '1980-04-12' })
  dateOfBirth: string;

  @IsOptional()
  @IsAccountEmail()
  email?: string;

  @IsOptional()
  @Trim()
  @IsString()
  @Matches(PHONE, { message: 'phone must be a phone number (digits, spaces, + ( ) . / -)' })
  @ApiProperty({ required: false, example: '+49 30 1234567' })
  phone?: string;
}

/** Send only what changes; `email` and `phone` may be null to clear them. */
export class UpdatePatientDto {
  @IsOptionalNonNull()
  @IsName()
  @ApiProperty({ required: false })
  firstName?: string;

  @IsOptionalNonNull()
  @IsName()
  @ApiProperty({ required: false })
  lastName?: string;

  @IsOptionalNonNull()
  @IsBirthDate()
  @ApiProperty({ required: false, format: 'date' })
  dateOfBirth?: string;

  @IsOptional()
  @NormalizeEmail()
  @IsString()
  @MaxLength(254)
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'email must be a valid email address' })
  @ApiProperty({ required: false, nullable: true, format: 'email' })
  email?: string | null;

  @IsOptional()
  @Trim()
  @IsString()
  @Matches(PHONE, { message: 'phone must be a phone number (digits, spaces, + ( ) . / -)' })
  @ApiProperty({ required: false, nullable: true })
  phone?: string | null;
}

export class PatientQueryDto extends PaginationQueryDto {
  /** Part of the first, last or full name, any letter case. */
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class PatientDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  firstName: string;
  lastName: string;
  @ApiProperty({ format: 'date' })
  dateOfBirth: string;
  @ApiProperty({ nullable: true, type: String, format: 'email' })
  email: string | null;
  @ApiProperty({ nullable: true, type: String })
  phone: string | null;
  /** The owning doctor. */
  @ApiProperty({ format: 'uuid' })
  doctorId: string;
  /** Whether the patient has accepted a portal invitation. */
  hasPortalAccount: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export function toPatientDto(p: Patient): PatientDto {
  return {
    id: p.id,
    firstName: p.firstName,
    lastName: p.lastName,
    dateOfBirth: p.dateOfBirth,
    email: p.email,
    phone: p.phone,
    doctorId: p.doctorId,
    hasPortalAccount: p.userId !== null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export class PatientResponseDto extends SuccessDto {
  data: PatientDto;
}

export class PatientPageDto extends SuccessDto {
  data: PatientDto[];
  meta: PageMetaDto;
}
