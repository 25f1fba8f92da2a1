/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run|revert|generate`), with the same options
 * as the application. Like `npm start`, it first fills unset names from `.env` in the working directory,
 * and without DATABASE_URL it starts the embedded database under DATA_DIR.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/config';
import { loadDotEnv } from './src/config/dotenv';
import { dataSourceOptions } from './src/database/data-source.options';
import { EMBEDDED_POOL_SIZE, startEmbeddedDatabase } from './src/database/embedded';

async function create(): Promise<DataSource> {
  loadDotEnv();
  const config = loadConfig();
  let url = config.databaseUrl;
  if (!url) {
    const embedded = await startEmbeddedDatabase(config.dataDir, EMBEDDED_POOL_SIZE + 2);
    url = embedded.url;
  }
  const poolSize = config.databaseUrl ? config.dbPoolSize : EMBEDDED_POOL_SIZE;
  return new DataSource({ ...dataSourceOptions({ url, poolSize, migrateOnStart: false }), logging: true });
}

export const dataSource = create();
