import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { OneTimeTokenService } from './one-time-token.service';
import { PasswordController } from './password.controller';
import { VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';

@Module({
  imports: [MailModule, AuditModule, UsersModule],
  controllers: [VerificationController, PasswordController],
  providers: [OneTimeTokenService, VerificationService],
  exports: [OneTimeTokenService, VerificationService],
})
export class VerificationModule {}
