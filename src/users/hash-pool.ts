import { Worker } from 'node:worker_threads';
import type { Options } from '@node-rs/argon2';

/**
 * The code of every hashing thread, as a string so that it loads the same way however this module
 * was compiled (tsc, SWC, or Jest's in-memory transform, where no worker file exists on disk).
 * It lowers its own thread's priority first, then answers one job at a time with @node-rs/argon2's
 * synchronous calls, so the work runs on this thread and not on libuv's pool.
 */
const WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
let tid = 0;
let nice = 0;
let niceError;
try {
  // Linux: /proc/thread-self is <pid>/task/<tid>, and setpriority on a tid changes that thread alone
  tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  const os = require('node:os');
  os.setPriority(tid, workerData.nice);
  nice = os.getPriority(tid);
} catch (error) {
  niceError = String((error && error.message) || error);
}
const { hashSync, verifySync } = require(workerData.argon2);
parentPort.postMessage({ ready: true, tid, nice, niceError });
parentPort.on('message', (job) => {
  try {
    const value = job.op === 'hash' ? hashSync(job.password, workerData.options) : verifySync(job.stored, job.password);
    parentPort.postMessage({ value });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

type Job =
  | { op: 'hash'; password: string; resolve: (value: string) => void; reject: (error: Error) => void }
  | { op: 'verify'; stored: string; password: string; resolve: (value: boolean) => void; reject: (error: Error) => void };

interface Thread {
  worker: Worker;
  /** The job it runs; at most one at a time. */
  job?: Job;
  /** The OS thread id and the niceness it runs at, once it has started (Linux). */
  tid?: number;
  nice?: number;
}

type WorkerMessage = { ready: true; tid: number; nice: number; niceError?: string } | { value: string | boolean } | { error: string };

export interface HashPoolOptions {
  /** Threads at most, started as work arrives. */
  size: number;
  /** The niceness each thread gives itself (0–19; 19 is the lowest priority). */
  nice: number;
  /** argon2 parameters of new hashes. */
  options: Options;
  /** Told once when a thread could not lower its priority. */
  onNiceFailed?: (reason: string) => void;
}

/**
 * At most `size` argon2 threads, each one job at a time, the rest waiting their turn (FIFO). A thread
 * that dies fails the job it had (never leaves it waiting) and is replaced when work waits. Idle
 * threads do not keep the process alive.
 */
export class HashPool {
  private readonly threads = new Set<Thread>();
  private readonly idle: Thread[] = [];
  private readonly queue: Job[] = [];
  private readonly argon2 = require.resolve('@node-rs/argon2');
  private niceReported = false;

  constructor(private readonly settings: HashPoolOptions) {}

  hash(password: string): Promise<string> {
    return new Promise((resolve, reject) => this.submit({ op: 'hash', password, resolve, reject }));
  }

  verify(stored: string, password: string): Promise<boolean> {
    return new Promise((resolve, reject) => this.submit({ op: 'verify', stored, password, resolve, reject }));
  }

  /** Stops every thread: the jobs they run and the jobs waiting fail. Later work starts new threads. */
  async close(): Promise<void> {
    const waiting = this.queue.splice(0);
    for (const job of waiting) job.reject(new Error('the password hasher is shut down'));
    const threads = [...this.threads];
    this.threads.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** For tests: the running threads' workers, OS thread ids and niceness (once started). */
  inspect(): Array<{ worker: Worker; busy: boolean; tid?: number; nice?: number }> {
    return [...this.threads].map((t) => ({ worker: t.worker, busy: Boolean(t.job), tid: t.tid, nice: t.nice }));
  }

  private submit(job: Job): void {
    this.queue.push(job);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idle.pop() ?? (this.threads.size < this.settings.size ? this.start() : undefined);
      if (!thread) return;
      const job = this.queue.shift()!;
      thread.job = job;
      // a thread with work keeps the process alive until the answer is in
      thread.worker.ref();
      thread.worker.postMessage(
        job.op === 'hash' ? { op: 'hash', password: job.password } : { op: 'verify', stored: job.stored, password: job.password },
      );
    }
  }

  private start(): Thread {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: 'argon2',
      workerData: { argon2: this.argon2, nice: this.settings.nice, options: this.settings.options },
    });
    const thread: Thread = { worker };
    let failure: Error | undefined;
    worker.on('message', (message: WorkerMessage) => this.answer(thread, message));
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => this.exited(thread, failure ?? new Error(`argon2 thread exited with code ${code}`)));
    this.threads.add(thread);
    return thread;
  }

  private answer(thread: Thread, message: WorkerMessage): void {
    if ('ready' in message) {
      thread.tid = message.tid;
      thread.nice = message.nice;
      if (message.niceError !== undefined && !this.niceReported) {
        this.niceReported = true;
        this.settings.onNiceFailed?.(message.niceError);
      }
      return;
    }
    const job = thread.job;
    thread.job = undefined;
    thread.worker.unref();
    if (this.threads.has(thread)) this.idle.push(thread);
    this.dispatch();
    if (!job) return;
    if ('error' in message) job.reject(new Error(message.error));
    else if (job.op === 'hash') job.resolve(message.value as string);
    else job.resolve(message.value as boolean);
  }

  private exited(thread: Thread, reason: Error): void {
    this.threads.delete(thread);
    const at = this.idle.indexOf(thread);
    if (at >= 0) this.idle.splice(at, 1);
    const job = thread.job;
    thread.job = undefined;
    job?.reject(reason);
    // a replacement, if work is waiting
    this.dispatch();
  }
}
