import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RateLimit } from '../abuse/rate-limit';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { FastifyReply } from 'fastify';
import { clearSessionCookie, requireCookieSessions, sessionCookieOf, withSessionCookie } from './cookie-auth';
import { AuthService } from './auth.service';
import { Auth, Public } from './decorators';
import { CurrentUser, Principal } from './principal';
import { LoginDto, LoginResponseDto, RefreshDto, RefreshResponseDto, RegisterDto, RegisterResponseDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates a `doctor` account and emails a verification link (valid 24 hours). */
  @Post('register')
  @Public()
  @RateLimit('register')
  @ApiOperation({ operationId: 'register', summary: 'Register a doctor account' })
  @ApiErrors([400, 'VALIDATION_ERROR (password names the rule)'], [409, 'EMAIL_TAKEN'], 413, 415)
  register(@Body() dto: RegisterDto): Promise<RegisterResponseDto> {
    return this.auth.register(dto);
  }

  /**
   * Exchanges email and password for a JWT (24 hours, or 30 days with `remember`, unless
   * ACCESS_TOKEN_TTL is shorter) and starts a session: `refreshToken` gets the session's next tokens
   * at POST /api/token/refresh, `sessionId` names it in GET /api/sessions.
   */
  @Post('login')
  @Public()
  @RateLimit('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Log in' })
  @ApiErrors(
    400,
    [
      401,
      'INVALID_CREDENTIALS; or MFA_REQUIRED (right password, the account has MFA) with `mfaToken`: send it with a code to POST /api/login/mfa within 5 minutes',
    ],
    [
      403,
      'EMAIL_NOT_VERIFIED (only after a correct password); MFA_ENROLLMENT_REQUIRED (the role requires MFA, none is set up) with `mfaToken`, a bearer for POST /api/mfa/totp/setup and /confirm only',
    ],
    415,
    [
      429,
      'RATE_LIMITED (per client IP, RATE_LIMIT_LOGIN) or ACCOUNT_LOCKED: 5 failures for the email from this client IP in 15 minutes lock that pair (LOGIN_LOCKOUT), 20 from any addresses lock the email everywhere and mail its owner a reset link (LOGIN_LOCKOUT_GLOBAL); unknown emails alike; see Retry-After',
    ],
  )
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginResponseDto> {
    requireCookieSessions(dto.cookie, this.config);
    const { cookie, ...credentials } = dto;
    return withSessionCookie(await this.auth.login(credentials), cookie, reply, this.config);
  }

  /**
   * Rotation: returns a new access token and a new refresh token, and retires the one sent. A retired
   * refresh token sent again is taken as stolen: its session ends (every access and refresh token of
   * it is refused) and the answer is 401 TOKEN_REVOKED. Exception: within 10 seconds of its
   * retirement a refresh token is honoured once more, so two tabs refreshing at the same moment both
   * succeed. The new access token never outlives the session (24 hours, or 30 days with `remember`).
   */
  @Post('token/refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'refreshToken', summary: 'Refresh: rotate the refresh token for a new access token' })
  @ApiErrors(
    400,
    [
      401,
      'TOKEN_INVALID (unknown refresh token), TOKEN_REVOKED (the session ended: logout, sign-out everywhere, password change, disable, role change, or this token was reused), TOKEN_EXPIRED (the session reached its absolute or idle expiry)',
    ],
    415,
  )
  refresh(@Body() dto: RefreshDto): Promise<RefreshResponseDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  /** Ends the session of the token used for this call: its access and refresh tokens are refused with TOKEN_REVOKED afterwards. */
  @Post('logout')
  @Auth({ verified: false })
  @HttpCode(200)
  @ApiOperation({ operationId: 'logout', summary: 'Log out (end this session)' })
  async logout(@CurrentUser() user: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<MessageDto> {
    await this.auth.logout(user);
    // a browser session's cookie goes with it (contract: logout clears the cookie)
    if (sessionCookieOf(reply.request.headers)) clearSessionCookie(reply);
    return { success: true, message: 'Logged out' };
  }
}
