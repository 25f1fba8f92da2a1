import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EventEmitter } from 'node:events';
import { Client, Notification } from 'pg';
import { DataSource } from 'typeorm';
import { DatabaseConnection } from '../database/connection';
import { ACCESS_CHANGED_CHANNEL } from '../database/notifications';
import { AccessCache } from './access-cache';

/** How the listener's connection is named in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'medisync-api:access-listener';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Keeps this instance's AccessCache true to the database. The database announces every change to an
 * account's access at commit (triggers on users, subscriptions, sessions and MFA secrets); this instance
 * LISTENs on a connection of its own and drops the account's cached state when one arrives, so a
 * logout, disable, demotion or subscription change made on any instance, or by hand in SQL, holds
 * here on the next request.
 *
 * The cache is used only while the listener is connected: until it first connects, and from the
 * moment its connection fails until it has re-subscribed (retrying with backoff), the cache is
 * suspended and every request reads the database.
 */
@Injectable()
export class AccessChangeListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccessChangeListener');
  private client: Client | undefined;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: AccessCache,
  ) {}

  private readonly onNotification = (message: Notification): void => {
    if (message.channel === ACCESS_CHANGED_CHANNEL && message.payload) this.cache.invalidate(message.payload);
  };

  async onApplicationBootstrap(): Promise<void> {
    // every pooled connection listens too: the one that commits a change hears it with its COMMIT,
    // before the service answers (and the embedded database delivers only there). The pool exists once
    // the database has been reached (at start, or later: see DatabaseConnector)
    await DatabaseConnection.of(this.db).whenReady('access-change listener', () => {
      if (!this.stopped) this.pool()?.on('notification', this.onNotification);
      return Promise.resolve();
    });
    await this.connect();
  }

  /** TypeORM's pg pool (database/pg-driver.ts), which re-emits notifications from its connections. */
  private pool(): EventEmitter | undefined {
    return (this.db.driver as unknown as { master?: EventEmitter }).master;
  }

  /** Whether changes are being heard (the cache is in use). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: (this.db.options as { url?: string }).url,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      void client.end().catch(() => undefined);
      if (this.client === client) {
        this.client = undefined;
        this.cache.suspend();
        this.logger.warn(`connection lost (${error?.message ?? 'closed'}): access cache suspended until it is back`);
      }
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', this.onNotification);
    try {
      await client.connect();
      await client.query(`LISTEN ${ACCESS_CHANGED_CHANNEL}`);
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (lost || this.stopped) {
      void client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    this.cache.resume();
    this.logger.log(`listening for access changes on ${ACCESS_CHANGED_CHANNEL}`);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.pool()?.removeListener('notification', this.onNotification);
    const client = this.client;
    this.client = undefined;
    this.cache.suspend();
    await client?.end().catch(() => undefined);
  }
}
