import { KeyObject } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { AuthController } from './auth.controller';
import { AccessCache } from './access-cache';
import { AccessChangeListener } from './access-change-listener';
import { AccessStateService } from './access-state.service';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards';
import { JWT_KEY, JwtKeyModule } from './jwt-key';
import { JwtStrategy } from './jwt.strategy';
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
    JwtKeyModule,
    JwtModule.registerAsync({
      imports: [JwtKeyModule],
      inject: [JWT_KEY],
      useFactory: (key: KeyObject) => ({
        secret: key as unknown as Buffer,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    UsersModule,
    VerificationModule,
    SubscriptionsModule,
  ],
  controllers: [AuthController],
  providers: [AccessCache, AccessChangeListener, AccessStateService, AuthService, TokenService, JwtStrategy, JwtAuthGuard],
  exports: [TokenService, JwtAuthGuard],
})
export class AuthModule {}
