import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { AppConfig } from '../config/config';
import { HashPool } from './hash-pool';
import { ARGON2_OPTIONS, PasswordHasher } from './password-hasher.service';

/** A thread's niceness as the kernel reports it: field 19 of /proc/self/task/<tid>/stat. */
const niceOf = (tid: number) => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};
const mainThreadId = () => Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]);

describe('HashPool', () => {
  const pools: HashPool[] = [];
  const pool = (size: number, nice = 19, onNiceFailed?: (reason: string) => void) => {
    const p = new HashPool({ size, nice, options: ARGON2_OPTIONS, onNiceFailed });
    pools.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('hashes with the baseline parameters, and agrees with @node-rs/argon2 both ways', async () => {
    const p = pool(2);
    const made = await p.hash('correct horse');
    expect(made).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(made, 'correct horse')).toBe(true);
    const direct = await hash('battery staple', ARGON2_OPTIONS);
    expect(await p.verify(direct, 'battery staple')).toBe(true);
    expect(await p.verify(direct, 'battery stapler')).toBe(false);
    await expect(p.verify('not a hash', 'x')).rejects.toThrow();
  });

  it('runs at most `size` threads; the jobs beyond wait their turn, first come first served, and all complete', async () => {
    const stored = await hash('pw', ARGON2_OPTIONS);
    const p = pool(2);
    const done: number[] = [];
    const jobs = Array.from({ length: 7 }, (_, i) => p.verify(stored, i % 2 ? 'pw' : 'wrong').then((ok) => (done.push(i), ok)));
    expect(p.inspect()).toHaveLength(2);
    expect(p.inspect().every((t) => t.busy)).toBe(true);
    expect(await Promise.all(jobs)).toEqual([false, true, false, true, false, true, false]);
    expect(p.inspect()).toHaveLength(2);

    // one thread: the answers come in the order asked
    const one = pool(1);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 4 }, (_, i) => one.hash(`pw${i}`).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('starts no thread before the first job', () => {
    expect(pool(4).inspect()).toEqual([]);
  });

  it('a thread that dies fails its own job, and a replacement runs the jobs waiting', async () => {
    const stored = await hash('pw', ARGON2_OPTIONS);
    const p = pool(1);
    const first = p.verify(stored, 'pw');
    const rest = [p.verify(stored, 'pw'), p.hash('pw2')];
    const [running] = p.inspect();
    expect(running.busy).toBe(true);
    await running.worker.terminate();
    await expect(first).rejects.toThrow(/exited/);
    const [again, made] = await Promise.all(rest);
    expect(again).toBe(true);
    expect(await verify(made as string, 'pw2')).toBe(true);
    const [replacement] = p.inspect();
    expect(replacement.worker).not.toBe(running.worker);
  });

  it('close() fails the running and the waiting jobs; later work starts new threads', async () => {
    const p = pool(1);
    const running = p.hash('a');
    const waiting = p.hash('b');
    await p.close();
    await expect(running).rejects.toThrow();
    await expect(waiting).rejects.toThrow(/shut down/);
    expect(p.inspect()).toEqual([]);
    expect(await p.hash('c')).toMatch(/^\$argon2id\$/);
  });

  it('each thread runs at the niceness asked for (Linux), the rest of the process at its own', async () => {
    const failed = jest.fn();
    const before = getPriority();
    const p = pool(2, 17, failed);
    await Promise.all([p.hash('x'), p.hash('y')]);
    const threads = p.inspect();
    expect(threads).toHaveLength(2);
    if (process.platform === 'linux') {
      expect(failed).not.toHaveBeenCalled();
      for (const t of threads) {
        expect(t.nice).toBe(17);
        expect(niceOf(t.tid!)).toBe(17);
      }
      expect(new Set(threads.map((t) => t.tid)).size).toBe(2);
      expect(threads.map((t) => t.tid)).not.toContain(mainThreadId());
      expect(niceOf(mainThreadId())).toBe(before);
    } else {
      // elsewhere it says so once, and hashes at normal priority
      expect(failed).toHaveBeenCalledTimes(1);
    }
    expect(getPriority()).toBe(before);
  });
});

describe('PasswordHasher', () => {
  const config = { hashConcurrency: 2, hashNice: 19 } as AppConfig;
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = new PasswordHasher(config);
    await hasher.onModuleInit();
  });
  afterAll(() => hasher.onApplicationShutdown());

  it('hashes and verifies; a missing or malformed hash is never a match', async () => {
    const stored = await hasher.hash('s3cret-Passw0rd');
    expect(await hasher.verify(stored, 's3cret-Passw0rd')).toBe(true);
    expect(await hasher.verify(stored, 'other')).toBe(false);
    expect(await hasher.verify(null, 's3cret-Passw0rd')).toBe(false);
    expect(await hasher.verify(undefined, '')).toBe(false);
    expect(await hasher.verify('$argon2id$broken', 'x')).toBe(false);
  });

  it('a missing hash is still verified (against the dummy hash), on the pool', async () => {
    const pool = hasher['pool'];
    const verifySpy = jest.spyOn(pool, 'verify');
    expect(await hasher.verify(null, 'anything')).toBe(false);
    expect(verifySpy).toHaveBeenCalledWith(expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/), 'anything');
    verifySpy.mockRestore();
  });

  it('a thread dying mid-job: verify answers false, hash rejects, and the next calls work', async () => {
    const stored = await hasher.hash('pw');
    const pool = hasher['pool'];
    const checking = hasher.verify(stored, 'pw');
    const hashing = hasher.hash('pw');
    await Promise.all(pool.inspect().map((t) => t.worker.terminate()));
    expect(await checking).toBe(false);
    await expect(hashing).rejects.toThrow();
    expect(await hasher.verify(stored, 'pw')).toBe(true);
  });
});
