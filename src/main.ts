import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigError, loadConfig } from './config/config';
import { loadDotEnv } from './config/dotenv';
import { EMBEDDED_POOL_SIZE, EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded';

async function main(): Promise<void> {
  // JSON from the first line on; the application then logs through pino (nestjs-pino)
  Logger.overrideLogger(new ConsoleLogger({ json: true }));
  const logger = new Logger('Main');
  const started = Date.now();
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (config.jwt.algorithm === 'HS256' && config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: a random secret was made for this process, so tokens stop working at restart');
  }
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase(config.dataDir, EMBEDDED_POOL_SIZE + 2);
    databaseUrl = embedded.url;
    config = { ...config, dbPoolSize: EMBEDDED_POOL_SIZE };
  }
  const app = await createApp(config, databaseUrl);
  await app.listen({ port: config.port, host: config.host });
  logger.log(`MediSync API listening on ${await app.getUrl()} (ready in ${Date.now() - started} ms); API docs at /docs`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing requests in flight, then closing`);
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    await embedded?.stop();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main().catch((error: unknown) => {
  console.error('MediSync API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
