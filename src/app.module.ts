import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AbuseModule } from './abuse/abuse.module';
import { AiModule } from './ai/ai.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AppointmentsModule } from './appointments/appointments.module';
import { PatientsModule } from './patients/patients.module';
import { InvitationsModule } from './invitations/invitations.module';
import { RecordsModule } from './records/records.module';
import { RateLimitGuard } from './abuse/rate-limit';
import { QuotaGuard } from './abuse/quota';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { JwtAuthGuard } from './auth/guards';
import { AccessModule } from './access/access.module';
import { OwnershipGuard } from './access/ownership.guard';
import { SubscriptionGuard } from './subscriptions/subscription.guard';
import { RolesGuard } from './users/roles.guard';
import { DemoModule } from './demo/demo.module';
import { AllExceptionsFilter, ErrorFormat } from './common/all-exceptions.filter';
import { FhirModule } from './fhir/fhir.module';
import { FHIR_ERROR_FORMAT } from './fhir/operation-outcome';
import { PagesModule } from './pages/pages.module';
import { ConsoleModule } from './console/console.module';
import { AppValidationPipe } from './common/validation';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseConnector } from './database/connection';
import { dataSourceOptions } from './database/data-source.options';
import { HealthModule } from './health/health.module';
import { ObservabilityModule } from './observability/observability.module';
import type { Logger as Pino } from 'pino';
import { MfaModule } from './mfa/mfa.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { UsersModule } from './users/users.module';
import { VerificationModule } from './verification/verification.module';
import { SessionsModule } from './sessions/sessions.module';

/** Where errors are not the contract's envelope: under /fhir they are FHIR OperationOutcomes. */
export const ERROR_FORMATS: readonly ErrorFormat[] = [FHIR_ERROR_FORMAT];

@Module({})
export class AppModule {
  /** `databaseUrl` is the resolved URL: DATABASE_URL, or the embedded server's. */
  static forRoot(config: AppConfig, databaseUrl: string, logger: Pino, extraImports: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // domain events between modules (e.g. users → verification); awaited by the emitter
        EventEmitterModule.forRoot(),
        ObservabilityModule,
        // created without connecting: DatabaseConnector connects (and migrates) without ever stopping
        // the process, retrying with backoff while the database is unreachable
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ url: databaseUrl, poolSize: config.dbPoolSize, migrateOnStart: config.migrateOnStart, logger }),
          manualInitialization: true,
          retryAttempts: 0,
        }),
        AuditModule,
        AbuseModule,
        AccessModule,
        UsersModule,
        SubscriptionsModule,
        VerificationModule,
        SessionsModule,
        AuthModule,
        MfaModule,
        DemoModule.register(config.demoMode),
        PatientsModule,
        InvitationsModule,
        AppointmentsModule,
        RecordsModule,
        AiModule,
        AnalyticsModule,
        FhirModule,
        HealthModule,
        PagesModule.register(config.pagesEnabled),
        ConsoleModule,
        ...extraImports,
      ],
      providers: [
        DatabaseConnector,
        // The global guard chain, in this order, each step its module's own guard reading its part of
        // the route's @Auth() declaration: rate limit (Abuse) → authentication and verified email (Auth)
        // → role (Users) → subscription (Subscriptions) → ownership (Access).
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useExisting: RolesGuard },
        { provide: APP_GUARD, useExisting: SubscriptionGuard },
        { provide: APP_GUARD, useExisting: OwnershipGuard },
        // last: a per-account daily quota (Abuse), counted only for calls every rule above admitted
        { provide: APP_GUARD, useExisting: QuotaGuard },
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useFactory: (db: DataSource) => new AllExceptionsFilter(ERROR_FORMATS, db), inject: [getDataSourceToken()] },
      ],
    };
  }
}
