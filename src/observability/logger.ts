import { format } from 'node:util';
import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';

/** Anything that could carry a secret is removed before a line is written. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.passwordHash',
  '*.apiKey',
  '*.secret',
];

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerSettings {
  env: string;
  logLevel: string;
}

/**
 * The process's one structured logger: JSON lines on stdout at LOG_LEVEL (written synchronously, so a
 * line logged just before an exit is not lost). Nest's own messages go through it (PinoNestLogger),
 * each HTTP request adds one line (see configureHttp), and the TypeORM CLI logs through it too.
 */
export function createRootLogger(settings: LoggerSettings): Pino {
  const configured = LEVELS.includes(settings.logLevel) ? settings.logLevel : 'info';
  const level = settings.env === 'test' && configured === 'info' ? 'warn' : configured;
  return pino({
    level,
    base: { service: 'medisync-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/**
 * The logger used before the configuration is validated (its errors included): LOG_LEVEL and NODE_ENV
 * as the environment has them when valid, else `info`.
 */
export function bootstrapLogger(env: NodeJS.ProcessEnv = process.env): Pino {
  return createRootLogger({ env: env.NODE_ENV ?? 'development', logLevel: env.LOG_LEVEL ?? 'info' });
}

/** Nest's start-up lines that name every route: useful when debugging, noise at every start. */
const DEBUG_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer']);

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService over pino: every message of Nest and of our `new Logger(context)` instances
 * becomes one JSON line with `context` and `msg`. An object message is merged into the line (its `msg`
 * is the message); an Error becomes `err`. Route-mapping lines are written at debug.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(_levels: LogLevel[]): void {
    // the level is LOG_LEVEL's, set on the pino logger
  }

  private write(requested: PinoLevel, message: unknown, rest: unknown[]): void {
    const params = [...rest];
    // Nest passes the context last (a Logger instance always appends its own)
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const level = requested === 'info' && context && DEBUG_CONTEXTS.has(context) ? 'debug' : requested;
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (requested === 'error' && typeof params[0] === 'string') fields.stack = params[0];
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (message !== null && typeof message === 'object') {
      this.pino[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

/**
 * Sends what a command-line tool writes with console.* (the TypeORM CLI's own messages and errors)
 * through pino, colours stripped, so that its output is JSON lines like the server's.
 */
export function routeConsoleTo(pino: Pino, context: string): void {
  // eslint-disable-next-line no-control-regex
  const plain = (args: unknown[]) => format(...args).replace(/\u001b\[[0-9;]*m/g, '');
  console.log = console.info = (...args: unknown[]) => pino.info({ context }, plain(args));
  console.warn = (...args: unknown[]) => pino.warn({ context }, plain(args));
  console.error = (...args: unknown[]) => pino.error({ context }, plain(args));
}
