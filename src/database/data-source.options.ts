import type { Logger as Pino } from 'pino';
import type { DataSourceOptions, LoggerOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { Appointment } from '../appointments/appointment.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { Patient } from '../patients/patient.entity';
import { MedicalRecord } from '../records/record.entity';
import { RefreshToken, Session } from '../sessions/session.entity';
import { Subscription } from '../subscriptions/subscription.entity';
import { User } from '../users/user.entity';
import { OneTimeToken } from '../verification/one-time-token.entity';
import { ACCESS_CHANGED_CHANNEL } from './notifications';
import { pgDriver } from './pg-driver';
import { PinoTypeOrmLogger } from './typeorm-logger';
import { MfaChallenge, MfaRecoveryCode, MfaTotp } from '../mfa/mfa.entities';

export const ENTITIES = [
  User,
  OneTimeToken,
  Session,
  RefreshToken,
  Subscription,
  AuditEvent,
  Patient,
  Appointment,
  MedicalRecord,
  MfaTotp,
  MfaRecoveryCode,
  MfaChallenge,
];

export interface DatabaseSettings {
  url: string;
  /** Connections per instance (DB_POOL_SIZE); the embedded database uses one, see EMBEDDED_POOL_SIZE. */
  poolSize: number;
  migrateOnStart: boolean;
  /** Where TypeORM's lines go (as JSON); `logging` chooses which (default: what migrations did or why they failed). */
  logger?: Pino;
  logging?: LoggerOptions;
}

/** The options shared by the application and the TypeORM CLI (`ormconfig.ts`). Never synchronize. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  // with a JSON logger, also what the migrations did ("No migrations are pending", each one executed)
  const logging: LoggerOptions = settings.logging ?? (settings.logger ? ['schema', 'migration'] : ['migration']);
  return {
    type: 'postgres',
    // pg with a pool whose connection failures are recognisable by class (see pg-driver.ts)
    driver: pgDriver,
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: settings.migrateOnStart,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: settings.poolSize,
    applicationName: 'medisync-api',
    // not 'error': TypeORM would log failed queries with their parameters (password hashes); the
    // exception filter logs unexpected errors without them
    logging,
    ...(settings.logger ? { logger: new PinoTypeOrmLogger(settings.logger, logging) } : {}),
    extra: {
      // fail fast instead of queueing forever when the database is unreachable
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      statement_timeout: 15000,
      // each session hears the access announcements, its own commits' included (see notifications.ts)
      onConnect: (client: { query(sql: string): Promise<unknown> }) => client.query(`LISTEN ${ACCESS_CHANGED_CHANNEL}`),
    },
  };
}
