import type { Logger as Pino } from 'pino';
import { AbstractLogger, type LoggerOptions, type LogLevel, type LogMessage, type QueryRunner } from 'typeorm';

/**
 * TypeORM's log (migrations at start, and the TypeORM CLI's queries) as pino JSON lines like every
 * other line of the process, with `context: "TypeORM"` and the message's `kind`. Query parameters are
 * never written (they can be password hashes or tokens); SQL is written as it is, without colours.
 */
export class PinoTypeOrmLogger extends AbstractLogger {
  constructor(
    private readonly pino: Pino,
    options?: LoggerOptions,
  ) {
    super(options);
  }

  protected writeLog(
    level: LogLevel,
    message: LogMessage | string | number | (LogMessage | string | number)[],
    _queryRunner?: QueryRunner,
  ): void {
    const messages = this.prepareLogMessages(message, { highlightSql: false, appendParameterAsComment: false, addColonToPrefix: false });
    for (const m of messages) {
      const kind = m.type ?? level;
      const text = typeof m.message === 'string' ? m.message : String(m.message);
      const fields = { context: 'TypeORM', kind };
      if (level === 'error' || kind === 'query-error') this.pino.error(fields, text);
      else if (level === 'warn' || kind === 'query-slow') this.pino.warn(fields, text);
      else this.pino.info(fields, text);
    }
  }
}
