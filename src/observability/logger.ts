import pino, { Logger as Pino } from 'pino';
import { AppConfig } from '../config/config';

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

/**
 * The process's one structured logger: JSON lines on stdout at LOG_LEVEL. Nest's own messages go
 * through it (nestjs-pino), and each HTTP request adds one line (see configureHttp).
 */
export function createRootLogger(config: AppConfig): Pino {
  const level = config.env === 'test' && config.logLevel === 'info' ? 'warn' : config.logLevel;
  return pino({
    level,
    base: { service: 'medisync-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
