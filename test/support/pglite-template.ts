import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGLITE_TEMPLATE_ENV } from './database';

/**
 * Jest global setup of the e2e project: one PGlite cluster, created (initdb) and closed once per run,
 * for every embedded test database to start from a private copy of (see `embeddedDataDir`). Nothing
 * is shared at run time: each suite copies the folder before its server opens it. Skipped with
 * TEST_DATABASE_URL, where the suites make databases on that server instead.
 */
export default async function createPgliteTemplate(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const root = await mkdtemp(join(tmpdir(), 'medisync-pglite-template-'));
  const dir = join(root, 'pgdata');
  // the same call as src/database/embedded.ts makes for a new data folder
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  await db.close();
  process.env[PGLITE_TEMPLATE_ENV] = dir;
}

/** Jest global teardown: removes the template folder. */
export async function removePgliteTemplate(): Promise<void> {
  const dir = process.env[PGLITE_TEMPLATE_ENV];
  if (!dir) return;
  delete process.env[PGLITE_TEMPLATE_ENV];
  await rm(dirname(dir), { recursive: true, force: true });
}
