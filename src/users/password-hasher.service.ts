import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { hash, Options } from '@node-rs/argon2';
import { HashPool } from './hash-pool';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. (`algorithm: 2` is Algorithm.Argon2id, a const enum.) */
export const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * argon2id through @node-rs/argon2 (prebuilt napi-rs binaries; the `argon2` package's prebuilt binary
 * crashes on this platform's Node build), on threads of our own that run at a lower OS priority.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PasswordHasher');
  /**
   * HASH_CONCURRENCY threads (default: one per core), started as logins arrive, each at niceness
   * HASH_NICE (default 19): hashing uses every core the event loop and the database leave idle, and
   * yields the cores to them when they need them, so a login storm leaves other requests' latency alone.
   */
  private readonly pool: HashPool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pool = new HashPool({
      size: config.hashConcurrency,
      nice: config.hashNice,
      options: ARGON2_OPTIONS,
      onNiceFailed: (reason) =>
        process.platform === 'linux'
          ? this.logger.warn(`password hashing runs at normal priority (${reason}): a login storm competes with other requests`)
          : this.logger.debug(`password hashing runs at normal priority on ${process.platform} (${reason})`),
    });
  }

  /** A real hash of a random string: verifying against it spends the same time as a real login. */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    // on libuv's pool, before the server listens: the pool's threads (about 12 MB each) start with the first login
    this.dummyHash = await hash(`dummy-${Math.random()}`, ARGON2_OPTIONS);
  }

  /** After the server has closed (its requests answered): the threads go. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }

  hash(password: string): Promise<string> {
    return this.pool.hash(password);
  }

  /** Constant-time comparison inside argon2. A missing hash still costs one verification. */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    try {
      const ok = await this.pool.verify(stored ?? this.dummyHash, password);
      return ok && Boolean(stored);
    } catch {
      return false;
    }
  }
}
