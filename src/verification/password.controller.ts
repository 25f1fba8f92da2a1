import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RateLimit } from '../abuse/rate-limit';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { EmailDto, ResetPasswordDto } from './dto/verification.dto';
import { ACCEPTED } from './verification.controller';
import { VerificationService } from './verification.service';

@ApiTags('password')
@Controller('password')
export class PasswordController {
  constructor(private readonly verification: VerificationService) {}

  /** Always 202, whatever the email; an existing account gets a single-use reset link (1 hour). */
  @Post('forgot')
  @Public()
  @RateLimit('passwordForgot')
  @HttpCode(202)
  @ApiOperation({ operationId: 'forgotPassword', summary: 'Request a password reset link' })
  @ApiAcceptedResponse({ type: MessageDto })
  @ApiErrors(400, 415)
  forgot(@Body() dto: EmailDto): MessageDto {
    this.verification.forgotPassword(dto.email);
    return ACCEPTED;
  }

  /** Spends the reset token and sets the new password; every earlier token of the account is revoked. */
  @Post('reset')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'resetPassword', summary: 'Set a new password with a reset token' })
  @ApiErrors([400, 'VALIDATION_ERROR (password names the rule)'], 410, 415)
  async reset(@Body() dto: ResetPasswordDto): Promise<MessageDto> {
    await this.verification.resetPassword(dto.token, dto.password);
    return { success: true, message: 'Password changed; log in with the new password' };
  }
}
