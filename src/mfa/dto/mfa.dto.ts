import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { LoginResponseDto } from '../../auth/dto/auth.dto';
import { SuccessDto } from '../../common/common.dto';

const CODE = /^\d{6}$/;
const CODE_MESSAGE = 'code must be the 6 digits the authenticator app shows';

/** The account's current password (as at login). */
export class MfaPasswordDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @ApiProperty({ format: 'password', example: 'Correct-Horse-9' })
  password: string;
}

export class MfaCodeDto {
  /** The 6-digit code the authenticator app shows now. */
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  @ApiProperty({ example: '123456' })
  code: string;
}

/** The password and a current code: both factors, for changing the factor itself. */
export class MfaPasswordAndCodeDto extends MfaPasswordDto {
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  @ApiProperty({ example: '123456' })
  code: string;
}

/** Exactly one of `code` and `recoveryCode`, with the mfaToken from the 401 MFA_REQUIRED of POST /api/login. */
export class LoginMfaDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  mfaToken: string;

  /** The 6-digit code the authenticator app shows now. */
  @ValidateIf((o: LoginMfaDto) => o.recoveryCode === undefined || o.code !== undefined)
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  @ApiProperty({ required: false, example: '123456' })
  code?: string;

  /** One of the recovery codes (case, spaces and dashes ignored); each works once. */
  @ValidateIf((o: LoginMfaDto) => o.code === undefined || o.recoveryCode !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @ApiProperty({ required: false, example: 'ABCD-EFGH-JKMN-PQRS' })
  recoveryCode?: string;

  /** As on POST /api/login: the token in the HttpOnly session cookie and a `csrfToken` in the body (needs AUTH_COOKIES=true). */
  @IsOptional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  cookie?: boolean;
}

export class TotpSetupResponseDto extends SuccessDto {
  /** The secret in base32, for typing into an app by hand. Shown once; confirm with a code to turn MFA on. */
  secret: string;
  /** `otpauth://totp/<issuer>:<email>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30` */
  otpauthUri: string;
  /** The same URI as a QR code, an SVG document. */
  qrSvg: string;
}

export class RecoveryCodesResponseDto extends SuccessDto {
  /** 10 one-time codes, shown only now (stored as hashes): each replaces a code once, e.g. when the phone is lost. */
  @ApiProperty({ type: [String], minItems: 10, maxItems: 10 })
  recoveryCodes: string[];
}

export class TotpConfirmResponseDto extends RecoveryCodesResponseDto {
  /**
   * Only when confirmed with the enrolment mfaToken (MFA_ENROLLMENT_REQUIRED at login): the login
   * that the enrolment completes, with `amr` ["pwd","otp"] in its token. With an access token, absent.
   */
  @ApiProperty({ type: LoginResponseDto, required: false })
  login?: LoginResponseDto;
}
