import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RateLimit } from '../abuse/rate-limit';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { AppException } from '../common/errors';
import { EmailDto, TokenDto, VerifiedResponseDto } from './dto/verification.dto';
import { VerificationService } from './verification.service';

export const ACCEPTED: MessageDto = {
  success: true,
  message: 'If the address belongs to an account that needs it, an email is on its way',
};

@ApiTags('verification')
@Controller('verification')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  /** Spends the emailed verification token (single use, 24 hours). */
  @Post('verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'verifyEmail', summary: 'Verify an email address' })
  @ApiErrors(400, 410, 415)
  async verify(@Body() dto: TokenDto): Promise<VerifiedResponseDto> {
    await this.verification.verify(dto.token);
    return { success: true, emailVerified: true };
  }

  /** The link in the verification email; same effect and answers as the POST. */
  @Get('verify')
  @Public()
  @ApiOperation({ operationId: 'verifyEmailLink', summary: 'Verify an email address (emailed link)' })
  @ApiQuery({ name: 'token', required: true, type: String, description: 'The token from the emailed link (single use, 24 hours).' })
  @ApiErrors(400, 410)
  async verifyLink(@Query('token') token: unknown): Promise<VerifiedResponseDto> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) {
      throw AppException.validation([{ field: 'token', message: 'token must be a string' }]);
    }
    await this.verification.verify(token);
    return { success: true, emailVerified: true };
  }

  /** Always 202, whatever the email (no account enumeration); only unverified accounts get a new link. */
  @Post('resend')
  @Public()
  @RateLimit('verificationResend')
  @HttpCode(202)
  @ApiOperation({ operationId: 'resendVerification', summary: 'Send a new verification link' })
  @ApiAcceptedResponse({ type: MessageDto })
  @ApiErrors(400, 415)
  resend(@Body() dto: EmailDto): MessageDto {
    this.verification.resend(dto.email);
    return ACCEPTED;
  }
}
