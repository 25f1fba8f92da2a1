import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Logger as Pino } from 'pino';
import { createApp } from './app.setup';
import { AppConfig, ConfigError, loadConfig } from './config/config';
import { loadDotEnv } from './config/dotenv';
import { EMBEDDED_POOL_SIZE, EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded';
import { Readiness } from './health/readiness';
import { bootstrapLogger, createRootLogger, PinoNestLogger } from './observability/logger';

/** After the drain delay, how long closing (requests in flight, mail being sent, the pool) may take. */
const CLOSE_TIMEOUT_MS = 10_000;

/** Every line the process writes is one pino JSON line, from the first (configuration errors included) to the last. */
let log: Pino = bootstrapLogger();
Logger.overrideLogger(new PinoNestLogger(log));

/** `http://<address>:<port>` of a listening server, as it is really bound. */
function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // one line that lists every problem (never a secret's value), then a non-zero exit
      log.fatal({ context: 'Config', problems: error.problems }, `Invalid configuration: ${error.problems.join('; ')}`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  loadDotEnv();
  let config = readConfig();
  log = createRootLogger(config);
  Logger.overrideLogger(new PinoNestLogger(log));
  const logger = new Logger('Main');
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
  // starts even when the database is unreachable: live, not ready, retrying (database/connection.ts)
  const app = await createApp(config, databaseUrl);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address() as AddressInfo;
  logger.log({
    msg: `MediSync API listening on ${urlOf(address)} (ready in ${Date.now() - started} ms); API docs at /docs`,
    address: address.address,
    port: address.port,
  });

  const readiness = app.get(Readiness, { strict: false });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // graceful rollout: first not ready (load balancers and the endpoints controller stop sending),
    // still serving for the drain delay, then closed
    readiness.drain();
    logger.log({
      msg: `${signal}: not ready; serving for ${config.shutdownDrainMs} ms more, then closing`,
      drainMs: config.shutdownDrainMs,
    });
    if (config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    logger.log(`${signal}: finishing requests in flight, then closing`);
    const timer = setTimeout(() => {
      logger.error(`${signal}: not closed within ${CLOSE_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, CLOSE_TIMEOUT_MS).unref();
    await app.close();
    await embedded?.stop();
    clearTimeout(timer);
    logger.log(`${signal}: closed`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main().catch((error: unknown) => {
  const err = error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message: String(error) };
  log.fatal({ context: 'Main', err }, `MediSync API failed to start: ${err.message}`);
  process.exit(1);
});
