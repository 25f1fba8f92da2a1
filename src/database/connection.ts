import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../common/database-errors';

/** Delay before the second attempt; it doubles after each failure up to MAX_RETRY_MS. */
export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 30_000;

type Hook = { name: string; run: () => Promise<void> };

/**
 * The state of one application's DataSource: whether it is connected (and migrated), and the work to
 * run once it is. One per DataSource, so several applications in one process (the tests) never mix.
 *
 * The DataSource is created without connecting (`manualInitialization`); DatabaseConnector connects it.
 * Until it has, the process serves what needs no database (`/health/live`, `/docs`, `/metrics`), and
 * `/health/ready` and every route that reaches the database answer 503 SERVICE_UNAVAILABLE.
 */
export class DatabaseConnection {
  private static readonly all = new WeakMap<DataSource, DatabaseConnection>();

  static of(dataSource: DataSource): DatabaseConnection {
    let connection = DatabaseConnection.all.get(dataSource);
    if (!connection) {
      connection = new DatabaseConnection();
      DatabaseConnection.all.set(dataSource, connection);
    }
    return connection;
  }

  private connected = false;
  private readonly hooks: Hook[] = [];

  /** Connected, migrated (with DB_MIGRATE_ON_START), and every start-up hook has run. */
  get ready(): boolean {
    return this.connected;
  }

  /**
   * Runs `run` once the database is connected and migrated: now, awaited, if it already is; otherwise
   * when the connection is made (before the database is reported ready). For start-up work such as
   * creating the bootstrap admin.
   */
  async whenReady(name: string, run: () => Promise<void>): Promise<void> {
    if (this.connected) await run();
    else this.hooks.push({ name, run });
  }

  /** Called by DatabaseConnector once initialize() has succeeded. A failing hook is logged, not fatal. */
  async markConnected(logger: Logger): Promise<void> {
    for (const hook of this.hooks.splice(0)) {
      try {
        await hook.run();
      } catch (error) {
        logger.error({ msg: `start-up task "${hook.name}" failed`, error: errorSummary(error) });
      }
    }
    this.connected = true;
  }
}

function errorSummary(error: unknown): { name: string; message: string; code?: unknown } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}

/**
 * Connects the application's DataSource (and runs pending migrations with DB_MIGRATE_ON_START) without
 * ever stopping the process: the first attempt is made during start-up, so with a reachable database
 * the server is ready when it starts listening; if it fails, the server starts anyway (live, not
 * ready) and keeps trying in the background with exponential backoff (1 s, 2 s, 4 s … 30 s), logging
 * each failure, until PostgreSQL answers. A pod therefore waits for its database instead of crash-looping.
 */
@Injectable()
export class DatabaseConnector implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private readonly connection: DatabaseConnection;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private attempts = 0;
  private delayMs = FIRST_RETRY_MS;
  private stopped = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.connection = DatabaseConnection.of(dataSource);
  }

  async onModuleInit(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.connection.markConnected(this.logger);
      return;
    }
    await this.tryConnect();
  }

  private tryConnect(): Promise<void> {
    this.attempt = this.connect().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  private async connect(): Promise<void> {
    this.attempts++;
    const started = Date.now();
    try {
      await this.dataSource.initialize();
    } catch (error) {
      await this.releaseFailedPool();
      if (this.stopped) return;
      const delay = this.delayMs;
      this.delayMs = Math.min(this.delayMs * 2, MAX_RETRY_MS);
      const line = {
        msg: `database not available (attempt ${this.attempts}); retrying in ${delay} ms`,
        attempt: this.attempts,
        retryInMs: delay,
        error: errorSummary(error),
      };
      // unreachable is expected while PostgreSQL starts; anything else (a failing migration, a refused
      // login) needs someone to look
      if (isDatabaseUnavailable(error)) this.logger.warn(line);
      else this.logger.error(line);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.tryConnect();
      }, delay);
      return;
    }
    if (this.stopped) {
      await this.dataSource.destroy().catch(() => undefined);
      return;
    }
    await this.connection.markConnected(this.logger);
    if (this.attempts > 1) {
      this.logger.log({ msg: `database connected after ${this.attempts} attempts`, attempt: this.attempts, ms: Date.now() - started });
    }
  }

  /**
   * A failed initialize() can leave the pool it made (when the failure came after the pool's first
   * connection, e.g. the server was still starting up): end it, since the next attempt makes another.
   */
  private async releaseFailedPool(): Promise<void> {
    if (this.dataSource.isInitialized) return;
    const driver = this.dataSource.driver as unknown as { master?: { end(): Promise<void> } };
    const pool = driver.master;
    driver.master = undefined;
    await pool?.end().catch(() => undefined);
  }

  /** Before the DataSource is closed (TypeORM's module does that at shutdown): no further attempt. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.attempt;
  }
}
