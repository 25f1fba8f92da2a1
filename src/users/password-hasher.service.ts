import { Injectable, OnModuleInit } from '@nestjs/common';
import { hash, Options, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. (`algorithm: 2` is Algorithm.Argon2id, a const enum.) */
export const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * argon2id through @node-rs/argon2: prebuilt binaries (napi-rs) that run on libuv's thread pool,
 * off the event loop. (The `argon2` package's prebuilt binary crashes on this platform's Node build.)
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** A real hash of a random string: verifying against it spends the same time as a real login. */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(`dummy-${Math.random()}`);
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  /** Constant-time comparison inside argon2. A missing hash still costs one verification. */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    try {
      const ok = await verify(stored ?? this.dummyHash, password);
      return ok && Boolean(stored);
    } catch {
      return false;
    }
  }
}
