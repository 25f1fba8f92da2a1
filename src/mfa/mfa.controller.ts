import { Body, Controller, Delete, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { requireCookieSessions, withSessionCookie } from '../auth/cookie-auth';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { Auth, Public } from '../auth/decorators';
import { LoginResponseDto } from '../auth/dto/auth.dto';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { UuidParam } from '../common/uuid-param';
import {
  LoginMfaDto,
  MfaCodeDto,
  MfaPasswordAndCodeDto,
  MfaPasswordDto,
  RecoveryCodesResponseDto,
  TotpConfirmResponseDto,
  TotpSetupResponseDto,
} from './dto/mfa.dto';
import { MfaService } from './mfa.service';

const BOTH_FACTORS_400 = 'VALIDATION_ERROR: password is incorrect, or code is incorrect or already used (counts toward the login lockout)';

@ApiTags('mfa')
@Controller()
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Starts enrolment with an authenticator app: a new secret, pending until confirmed (a pending one is
   * replaced). The bearer is an access token, or the enrolment mfaToken of MFA_ENROLLMENT_REQUIRED.
   */
  @Post('mfa/totp/setup')
  @Auth({ mfaEnrolment: true })
  @HttpCode(200)
  @ApiOperation({ operationId: 'setupTotp', summary: 'Set up an authenticator app (TOTP)' })
  @ApiErrors([400, 'VALIDATION_ERROR: password is incorrect'], [409, 'CONFLICT: multi-factor authentication is already on'], 415, [
    503,
    'SERVICE_UNAVAILABLE: the database is unreachable, or (production) DATA_ENCRYPTION_KEY is not set',
  ])
  setup(@CurrentUser() user: Principal, @Body() dto: MfaPasswordDto): Promise<TotpSetupResponseDto> {
    return this.mfa.setup(user, dto.password);
  }

  /**
   * The app's first code turns MFA on and returns 10 recovery codes, shown only now. Confirmed with the
   * enrolment mfaToken, the response also has `login` (a token with `amr` ["pwd","otp"]).
   */
  @Post('mfa/totp/confirm')
  @Auth({ mfaEnrolment: true })
  @HttpCode(200)
  @ApiOperation({ operationId: 'confirmTotp', summary: 'Confirm the authenticator app and turn MFA on' })
  @ApiErrors([400, 'VALIDATION_ERROR: code is incorrect or already used'], [409, 'CONFLICT: nothing set up yet, or already on'], 415)
  confirm(@CurrentUser() user: Principal, @Body() dto: MfaCodeDto): Promise<TotpConfirmResponseDto> {
    return this.mfa.confirm(user, dto.code);
  }

  /** A fresh set of 10 recovery codes; the earlier ones stop working. Needs the password and a current code. */
  @Post('mfa/recovery-codes')
  @Auth()
  @HttpCode(200)
  @ApiOperation({ operationId: 'regenerateRecoveryCodes', summary: 'Issue new recovery codes' })
  @ApiErrors([400, BOTH_FACTORS_400], [409, 'CONFLICT: multi-factor authentication is not on'], 415)
  async recoveryCodes(@CurrentUser() user: Principal, @Body() dto: MfaPasswordAndCodeDto): Promise<RecoveryCodesResponseDto> {
    return { success: true, recoveryCodes: await this.mfa.regenerateRecoveryCodes(user, dto.password, dto.code) };
  }

  /** Turns MFA off (password and a current code); the user's other sessions end. Refused while the role requires MFA. */
  @Delete('mfa/totp')
  @Auth()
  @HttpCode(200)
  @ApiOperation({ operationId: 'disableTotp', summary: 'Turn multi-factor authentication off' })
  @ApiErrors([400, BOTH_FACTORS_400], [409, 'CONFLICT: not on, or the role requires MFA (MFA_REQUIRED_ROLES)'], 415)
  async disable(@CurrentUser() user: Principal, @Body() dto: MfaPasswordAndCodeDto): Promise<MessageDto> {
    await this.mfa.disable(user, dto.password, dto.code);
    return { success: true, message: 'Multi-factor authentication is off' };
  }

  /**
   * The second step of a login that answered 401 MFA_REQUIRED: its mfaToken with a current code or a
   * recovery code. The mfaToken lives 5 minutes, is used once, and dies after 5 wrong codes; wrong
   * codes count toward the login lockout like wrong passwords.
   */
  @Post('login/mfa')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'loginMfa', summary: 'Complete a login with a second factor' })
  @ApiErrors(
    [400, 'VALIDATION_ERROR: send mfaToken and exactly one of code and recoveryCode'],
    [401, 'INVALID_CREDENTIALS: the code is wrong or already used, or the recovery code is wrong or spent'],
    [410, 'TOKEN_USED_OR_EXPIRED: the mfaToken is used, expired (5 minutes) or had 5 wrong codes; log in again'],
    415,
    [429, 'RATE_LIMITED (per IP), or ACCOUNT_LOCKED (the login lockout, to which wrong codes count); see Retry-After'],
  )
  async loginMfa(@Body() dto: LoginMfaDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginResponseDto> {
    requireCookieSessions(dto.cookie, this.config);
    const { cookie, ...step } = dto;
    return withSessionCookie(await this.mfa.loginWithSecondFactor(step), cookie, reply, this.config);
  }
}

@ApiTags('admin')
@Controller('admin/users')
@Auth({ roles: ['admin'] })
export class MfaAdminController {
  constructor(private readonly mfa: MfaService) {}

  /** Removes a user's second factor (lost phone and recovery codes): the secret, recovery codes and pending mfaTokens; their sessions end. */
  @Delete(':id/mfa')
  @HttpCode(200)
  @ApiOperation({ operationId: 'adminResetMfa', summary: 'Reset a user’s multi-factor authentication (admin)' })
  @ApiErrors([404, 'NOT_FOUND: no such user'])
  async reset(@CurrentUser() admin: Principal, @UuidParam('id') id: string): Promise<MessageDto> {
    const { wasEnabled } = await this.mfa.adminReset(admin.id, id);
    return { success: true, message: wasEnabled ? 'Multi-factor authentication was reset' : 'Multi-factor authentication was not on' };
  }
}
