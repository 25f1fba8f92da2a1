import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { KeysModule } from '../keys/keys.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AuthController } from './auth.controller';
import { AccessCache } from './access-cache';
import { AccessChangeListener } from './access-change-listener';
import { AccessStateService } from './access-state.service';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';
import { SecondFactorPort } from './second-factor';
import { TokenService } from './token.service';
import { AuditModule } from '../audit/audit.module';
import { AbuseModule } from '../abuse/abuse.module';
import { ObservabilityModule } from '../observability/observability.module';

@Module({
  imports: [
    ObservabilityModule,
    AbuseModule,
    AuditModule,
    PassportModule,
    // signs and verifies every token, and publishes the public keys
    KeysModule,
    UsersModule,
    VerificationModule,
    SubscriptionsModule,
    SessionsModule,
  ],
  controllers: [AuthController],
  providers: [
    AccessCache,
    AccessChangeListener,
    AccessStateService,
    AuthService,
    TokenService,
    JwtStrategy,
    JwtAuthGuard,
    SecondFactorPort,
  ],
  exports: [JwtAuthGuard, AuthService, SecondFactorPort],
})
export class AuthModule {}
