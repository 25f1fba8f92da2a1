import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface SpawnedServer {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far, in order. */
  output(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** Waits until the output matches (up to 50 s: a loaded machine), and returns the match. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  kill(): void;
}

/**
 * Runs the built server (dist/src/main.js, made by `pretest`) as a deployment would, in `cwd` (so a
 * developer's .env in the repository is not read), with only `env` and PATH/HOME set. `script` runs
 * another entry point instead, e.g. a copy of scripts/start.mjs.
 */
export function spawnServer(cwd: string, env: Record<string, string>, script = MAIN): SpawnedServer {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async waitFor(pattern) {
      for (let i = 0; i < 500; i++) {
        const m = pattern.exec(output);
        if (m) return m;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no ${pattern} in the server's output:\n${output}`);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Each line of the output parsed as JSON; fails (with the line) on any line that is not. */
export function jsonLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}
