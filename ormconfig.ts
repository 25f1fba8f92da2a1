/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run|revert|generate`), with the same options
 * as the application. Like `npm start`, it first fills unset names from `.env` in the working directory,
 * and without DATABASE_URL it starts the embedded database under DATA_DIR.
 *
 * Its output is pino JSON lines like the server's: the SQL it runs (without parameters), the
 * migrations, and the CLI's own messages and errors; an invalid configuration is one line listing
 * every problem, and the command exits non-zero.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from './src/config/config';
import { loadDotEnv } from './src/config/dotenv';
import { dataSourceOptions } from './src/database/data-source.options';
import { EMBEDDED_POOL_SIZE, startEmbeddedDatabase } from './src/database/embedded';
import { bootstrapLogger, createRootLogger, PinoNestLogger, routeConsoleTo } from './src/observability/logger';

async function create(): Promise<DataSource> {
  const boot = bootstrapLogger();
  Logger.overrideLogger(new PinoNestLogger(boot));
  routeConsoleTo(boot, 'TypeORM CLI');
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      boot.fatal({ context: 'Config', problems: error.problems }, `Invalid configuration: ${error.problems.join('; ')}`);
      process.exit(1);
    }
    throw error;
  }
  // the CLI is run by an operator: its lines at info even under NODE_ENV=test
  const logger = createRootLogger({ env: 'development', logLevel: config.logLevel });
  Logger.overrideLogger(new PinoNestLogger(logger));
  routeConsoleTo(logger, 'TypeORM CLI');
  let url = config.databaseUrl;
  if (!url) {
    const embedded = await startEmbeddedDatabase(config.dataDir, EMBEDDED_POOL_SIZE + 2);
    url = embedded.url;
  }
  const poolSize = config.databaseUrl ? config.dbPoolSize : EMBEDDED_POOL_SIZE;
  return new DataSource(dataSourceOptions({ url, poolSize, migrateOnStart: false, logger, logging: 'all' }));
}

export const dataSource = create();
