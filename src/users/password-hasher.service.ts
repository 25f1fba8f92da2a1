import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { hash, Options, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. (`algorithm: 2` is Algorithm.Argon2id, a const enum.) */
export const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** At most `limit` hashes at once; the rest wait their turn (FIFO). */
class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * argon2id through @node-rs/argon2: prebuilt binaries (napi-rs) that run on libuv's thread pool,
 * off the event loop. (The `argon2` package's prebuilt binary crashes on this platform's Node build.)
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /**
   * Hashes running at once (HASH_CONCURRENCY, default: the cores less one, at least one): a login
   * storm then leaves a core to the event loop, so other requests keep their latency.
   */
  private readonly gate: Gate;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.gate = new Gate(config.hashConcurrency);
  }

  /** A real hash of a random string: verifying against it spends the same time as a real login. */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(`dummy-${Math.random()}`);
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password, ARGON2_OPTIONS));
  }

  /** Constant-time comparison inside argon2. A missing hash still costs one verification. */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    try {
      const ok = await this.gate.run(() => verify(stored ?? this.dummyHash, password));
      return ok && Boolean(stored);
    } catch {
      return false;
    }
  }
}
