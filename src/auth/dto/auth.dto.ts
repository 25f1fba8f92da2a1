import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { SuccessDto } from '../../common/common.dto';
import { IsAccountEmail, IsName, IsPassword, IsProfileText } from '../../common/validators';
import { ROLES, Role } from '../../users/user.entity';
import { Permissions } from '../permissions';

/** All eight fields are required (MediSync's "Required Fields"); every failing field is listed in `details`. */
export class RegisterDto {
  /** Professional title, e.g. "Dr." */
  @IsProfileText(50)
  @ApiProperty({ example: 'Dr.' })
  title: string;

  @IsName()
  @ApiProperty({ example: 'Jane' })
  firstName: string;

  @IsName()
  @ApiProperty({ example: 'Doe' })
  lastName: string;

  @IsAccountEmail()
  email: string;

  @IsPassword()
  password: string;

  /** Medical specialty, e.g. "Cardiology". */
  @IsProfileText(100)
  @ApiProperty({ example: 'Cardiology' })
  specialty: string;

  /** The kind of EHR the practice uses, e.g. "cloud" or "on_premise". */
  @IsProfileText(100)
  @ApiProperty({ example: 'cloud' })
  ehr_system_type: string;

  /** The EHR product's name. */
  @IsProfileText(100)
  @ApiProperty({ example: 'OpenEMR' })
  ehr_system_name: string;
}

export class RegisterResponseDto extends SuccessDto {
  /** The new account's id. */
  @ApiProperty({ format: 'uuid' })
  uid: string;
  email: string;
  @ApiProperty({ enum: [false] })
  emailVerified: false;
}

export class LoginDto {
  @IsAccountEmail()
  email: string;

  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @ApiProperty({ format: 'password', example: 'Correct-Horse-9', maxLength: 128 })
  password: string;

  /** A 30-day session (and, unless ACCESS_TOKEN_TTL is set, a 30-day token) instead of a 24-hour one. */
  @IsOptional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  remember?: boolean;

  /**
   * Browsers (needs AUTH_COOKIES=true, else 400 naming `cookie`): set the token in the HttpOnly cookie
   * `__Host-medisync_session` instead of the body, and answer with a `csrfToken` that every unsafe
   * request authenticated by the cookie must send as `X-CSRF-Token` (else 403 `CSRF_INVALID`).
   */
  @IsOptional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  cookie?: boolean;
}

export class PermissionsDto implements Permissions {
  canManageUsers: boolean;
  canCreateAppointments: boolean;
  canUseAiFeatures: boolean;
  canViewAnalytics: boolean;
  /** May read the FHIR R4 interface (/fhir/R4): doctors on a plan with `fhir`, patients (their own data), admins. */
  canAccessFhirResources: boolean;
}

export class LoginResponseDto extends SuccessDto {
  /** The JWT for the Authorization: Bearer header; absent with `cookie: true` (it is in the cookie, out of scripts' reach). */
  @ApiProperty({ required: false, example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>' })
  token?: string;
  /** Only with `cookie: true`: send it as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE authenticated by the cookie. */
  @ApiProperty({ required: false })
  csrfToken?: string;
  @ApiProperty({ format: 'uuid' })
  uid: string;
  @ApiProperty({ nullable: true, type: String, example: 'Dr.' })
  userTitle: string | null;
  firstName: string;
  lastName: string;
  @ApiProperty({ enum: ROLES })
  role: Role;
  emailVerified: boolean;
  /** When the token stops being accepted (ISO-8601, UTC). */
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
  permissions: PermissionsDto;
  /**
   * Opaque; exchange it at POST /api/token/refresh for a new access token (and a new refresh token)
   * until the session ends. Keep it as secret as a password.
   */
  @ApiProperty({ example: '<opaque refresh token, 43 characters>' })
  refreshToken: string;
  /** The session this login started (the `sid` of its access tokens; see GET /api/sessions). */
  @ApiProperty({ format: 'uuid' })
  sessionId: string;
}

export class RefreshDto {
  /** The refresh token from the login response or from the previous refresh. */
  @IsString()
  @MaxLength(200)
  @ApiProperty({ example: '<opaque refresh token, 43 characters>', maxLength: 200 })
  refreshToken: string;
}

export class RefreshResponseDto extends SuccessDto {
  /** A new access token of the same session. */
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>' })
  token: string;
  /** Its successor: the refresh token sent is retired. */
  @ApiProperty({ example: '<opaque refresh token, 43 characters>' })
  refreshToken: string;
  /** When the new access token stops being accepted (ISO-8601, UTC). */
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}
