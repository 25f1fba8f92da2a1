import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/database/embedded';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Runs one statement on a database behind the server's back (its own connection) and returns the rows. */
export async function sqlOn<T extends Record<string, unknown> = Record<string, unknown>>(
  db: Pick<TestDatabase, 'url'>,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Where the e2e global setup (test/support/pglite-template.ts) left a PGlite data folder just after
 * initdb, closed cleanly. Creating a cluster (initdb in WebAssembly) takes seconds; copying one that
 * was never used takes a fraction of one and gives the same empty database.
 */
export const PGLITE_TEMPLATE_ENV = 'MEDISYNC_TEST_PGLITE_TEMPLATE';

/**
 * A new temporary folder for `startEmbeddedDatabase(dir)`: its `pgdata` starts as a private copy of
 * the template when the global setup made one, and is created by initdb at the first start otherwise.
 */
export async function embeddedDataDir(prefix = 'medisync-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const template = process.env[PGLITE_TEMPLATE_ENV];
  if (template && existsSync(template)) await cp(template, join(dir, 'pgdata'), { recursive: true });
  return dir;
}

/**
 * A fresh, empty database for one suite; the app's own migrations fill it.
 * With TEST_DATABASE_URL (a server where the user may CREATE DATABASE): a new database there.
 * Without it: the embedded PGlite server in a temporary folder, as `npm start` uses.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) {
    const dir = await embeddedDataDir();
    const embedded = await startEmbeddedDatabase(dir, 20);
    return {
      url: embedded.url,
      async drop() {
        await embedded.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `medisync_test_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
