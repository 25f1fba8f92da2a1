import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';

/**
 * PGlite runs one query at a time, and its socket server multiplexes connections onto it; with
 * several connections racing, we saw a unique violation go unreported. One connection makes every
 * statement strictly sequential at no cost in throughput (the engine is single-threaded anyway).
 * Code inside a transaction therefore uses the transaction's manager only.
 */
export const EMBEDDED_POOL_SIZE = 1;

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * The zero-setup default: PostgreSQL compiled to WebAssembly (PGlite) with its data under
 * `<dataDir>/pgdata`, served over the PostgreSQL wire protocol on a loopback port so that `pg` and
 * TypeORM connect to it exactly as to a real server and the same migrations run.
 * The packages are loaded only here, so a deployment with DATABASE_URL never loads them.
 */
export async function startEmbeddedDatabase(dataDir: string, maxConnections: number): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedDatabase');
  const dir = resolve(dataDir, 'pgdata');
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  logger.log(`embedded PostgreSQL (PGlite) ready in ${Date.now() - started} ms, data in ${dir}`);
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
