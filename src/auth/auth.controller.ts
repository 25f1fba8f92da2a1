import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RateLimit } from '../abuse/rate-limit';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { AuthService } from './auth.service';
import { Auth, Public } from './decorators';
import { CurrentUser, Principal } from './principal';
import { LoginDto, LoginResponseDto, RegisterDto, RegisterResponseDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Creates a `doctor` account and emails a verification link (valid 24 hours). */
  @Post('register')
  @Public()
  @RateLimit('register')
  @ApiOperation({ operationId: 'register', summary: 'Register a doctor account' })
  @ApiErrors([400, 'VALIDATION_ERROR (password names the rule)'], [409, 'EMAIL_TAKEN'], 413, 415)
  register(@Body() dto: RegisterDto): Promise<RegisterResponseDto> {
    return this.auth.register(dto);
  }

  /** Exchanges email and password for a JWT (24 hours, or 30 days with `remember`). */
  @Post('login')
  @Public()
  @RateLimit('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Log in' })
  @ApiErrors(400, [401, 'INVALID_CREDENTIALS'], [403, 'EMAIL_NOT_VERIFIED (only after a correct password)'], 415, [
    429,
    'RATE_LIMITED (per client IP, RATE_LIMIT_LOGIN) or ACCOUNT_LOCKED: 5 failures for the email from this client IP in 15 minutes lock that pair (LOGIN_LOCKOUT), 20 from any addresses lock the email everywhere and mail its owner a reset link (LOGIN_LOCKOUT_GLOBAL); unknown emails alike; see Retry-After',
  ])
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<LoginResponseDto> {
    return this.auth.login(dto, ip);
  }

  /** Revokes the token used for this call; it is refused with TOKEN_REVOKED afterwards. */
  @Post('logout')
  @Auth({ verified: false })
  @HttpCode(200)
  @ApiOperation({ operationId: 'logout', summary: 'Log out (revoke this token)' })
  async logout(@CurrentUser() user: Principal): Promise<MessageDto> {
    await this.auth.logout(user);
    return { success: true, message: 'Logged out' };
  }
}
