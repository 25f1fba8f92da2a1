import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { IsName, IsOptionalNonNull, IsPassword, IsProfileText } from '../../common/validators';
import { ROLES, Role, User } from '../user.entity';
import type { ProfileChanges } from '../users.service';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'email' })
  email: string;
  @ApiProperty({ enum: ROLES })
  role: Role;
  @ApiProperty({ nullable: true, type: String })
  title: string | null;
  firstName: string;
  lastName: string;
  @ApiProperty({ nullable: true, type: String })
  specialty: string | null;
  @ApiProperty({ nullable: true, type: String })
  ehr_system_type: string | null;
  @ApiProperty({ nullable: true, type: String })
  ehr_system_name: string | null;
  emailVerified: boolean;
  /** Login asks for a code from an authenticator app (POST /api/mfa/totp/setup to turn it on). */
  mfaEnabled: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** The profile fields of a request body (API names) as entity fields; absent ones stay undefined. */
export function profileFromDto(dto: {
  title?: string;
  firstName?: string;
  lastName?: string;
  specialty?: string;
  ehr_system_type?: string;
  ehr_system_name?: string;
}): ProfileChanges {
  return {
    title: dto.title,
    firstName: dto.firstName,
    lastName: dto.lastName,
    specialty: dto.specialty,
    ehrSystemType: dto.ehr_system_type,
    ehrSystemName: dto.ehr_system_name,
  };
}

/** What an account's representation is made of: its row without the password hash and the internal columns. */
export const ACCOUNT_FIELDS = [
  'id',
  'email',
  'role',
  'title',
  'firstName',
  'lastName',
  'specialty',
  'ehrSystemType',
  'ehrSystemName',
  'emailVerifiedAt',
  'mfaEnabled',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof User>;

export type AccountView = Pick<User, (typeof ACCOUNT_FIELDS)[number]>;

/** The view of a full user row: those fields, and no password hash or internal column riding along. */
export function accountViewOf(user: User): AccountView {
  return Object.fromEntries(ACCOUNT_FIELDS.map((field) => [field, user[field]])) as AccountView;
}

/** What leaves the server about an account: never a hash or an internal counter. */
export function toUserDto(user: AccountView): UserDto {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    title: user.title,
    firstName: user.firstName,
    lastName: user.lastName,
    specialty: user.specialty,
    ehr_system_type: user.ehrSystemType,
    ehr_system_name: user.ehrSystemName,
    emailVerified: user.emailVerifiedAt !== null,
    mfaEnabled: user.mfaEnabled,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export class UserResponseDto extends SuccessDto {
  user: UserDto;
}

/**
 * Profile fields only; email, role and verification cannot be changed here. Send only what changes: a
 * field may be left out, but not blanked (null, empty or only spaces is VALIDATION_ERROR).
 */
export class UpdateProfileDto {
  @IsOptionalNonNull()
  @IsProfileText(50)
  @ApiProperty({ required: false, example: 'Prof.' })
  title?: string;

  @IsOptionalNonNull()
  @IsName()
  @ApiProperty({ required: false, example: 'Jane' })
  firstName?: string;

  @IsOptionalNonNull()
  @IsName()
  @ApiProperty({ required: false, example: 'Doe' })
  lastName?: string;

  @IsOptionalNonNull()
  @IsProfileText(100)
  @ApiProperty({ required: false, example: 'Neurology' })
  specialty?: string;

  @IsOptionalNonNull()
  @IsProfileText(100)
  @ApiProperty({ required: false })
  ehr_system_type?: string;

  @IsOptionalNonNull()
  @IsProfileText(100)
  @ApiProperty({ required: false })
  ehr_system_name?: string;
}

export class ChangePasswordDto {
  @IsString()
  @MaxLength(128)
  @ApiProperty({ format: 'password', example: 'Correct-Horse-9' })
  currentPassword: string;

  @IsPassword('Battery-Staple-7')
  newPassword: string;
}
