import { Module } from '@nestjs/common';
import { AbuseModule } from '../abuse/abuse.module';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { MfaAdminController, MfaController } from './mfa.controller';
import { MfaService } from './mfa.service';

/**
 * Multi-factor sign-in (TOTP, recovery codes, the required-MFA policy). Depends on Auth (it completes
 * logins and registers itself as Auth's SecondFactor), Users (accounts, passwords, the mfa_enabled flag),
 * the lockout and the audit trail.
 */
@Module({
  imports: [AuthModule, UsersModule, AbuseModule, AuditModule],
  controllers: [MfaController, MfaAdminController],
  providers: [MfaService],
  exports: [MfaService],
})
export class MfaModule {}
