import pg from 'pg';
import { DatabaseUnavailableError } from '../common/database-errors';

type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void;

/**
 * The pg pool TypeORM uses, with three differences.
 *
 * A failure to acquire a connection (refused, timed
 * out, the server starting or shutting down, the pool exhausted past `connectionTimeoutMillis`)
 * arrives as a DatabaseUnavailableError carrying the driver's error as its cause. pg-pool raises
 * several of these as plain `Error`s, which nothing but their message would tell apart from a bug;
 * wrapped here, where they can only mean "no connection", the exception filter knows them by class.
 *
 * Every client always has an 'error' listener. When PostgreSQL terminates a connection just as it was
 * made, its FATAL message can arrive in the same read as the connection's first answer and be emitted
 * before TypeORM attaches its own listener: an 'error' event nobody listens to ends the process. The
 * error still marks the client unusable, so its next query fails as a connection error (503).
 *
 * Notifications (NOTIFY) that arrive on a pooled connection are re-emitted by the pool as
 * 'notification' (every pooled connection LISTENs for access changes: see notifications.ts).
 */
class ClassifyingPool extends pg.Pool {
  constructor(config?: pg.PoolConfig) {
    super(config);
    this.on('connect', (client) => {
      client.on('error', ignoreHandledElsewhere);
      client.on('notification', (message) => this.emit('notification', message));
    });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (!callback) return super.connect().catch((error: unknown) => Promise.reject(new DatabaseUnavailableError(error)));
    super.connect((err, client, done) => callback(err ? new DatabaseUnavailableError(err) : undefined, client, done));
  }
}

function ignoreHandledElsewhere(): void {
  // the query that was running, or the next one, reports the failure
}

/** The `pg` module as TypeORM's `driver` option, with the classifying pool in place of pg's own. */
export const pgDriver: typeof pg = Object.create(pg, { Pool: { value: ClassifyingPool, enumerable: true } }) as typeof pg;
