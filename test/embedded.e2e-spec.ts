import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.options';
import { EmbeddedDatabase, startEmbeddedDatabase } from '../src/database/embedded';
import { MIGRATIONS } from '../migrations';
import { embeddedDataDir } from './support/database';

/** Starts the embedded server on `dir`, runs `use` against it, and always stops it. */
async function withEmbedded(dir: string, use: (embedded: EmbeddedDatabase) => Promise<void>): Promise<void> {
  const embedded = await startEmbeddedDatabase(dir, 5);
  try {
    await use(embedded);
  } finally {
    await embedded.stop();
  }
}

/**
 * The zero-setup default (`npm start` without DATABASE_URL) runs the same migrations, both ways.
 * Each test has a data folder of its own, removed afterwards.
 */
describe('embedded database (PGlite over the wire protocol)', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('applies every migration, reverts them all, and applies them again', async () => {
    // an empty folder: the first start creates the cluster (initdb), as a newcomer's `npm start` does
    const dir = await mkdtemp(join(tmpdir(), 'medisync-embedded-'));
    dirs.push(dir);
    await withEmbedded(dir, async (embedded) => {
      const ds = new DataSource(dataSourceOptions({ url: embedded.url, poolSize: 3, migrateOnStart: false }));
      await ds.initialize();
      try {
        expect((await ds.runMigrations()).map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
        const tables = await ds.query<Array<{ table_name: string }>>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
        );
        expect(tables.map((t) => t.table_name)).toEqual(
          expect.arrayContaining(['users', 'one_time_tokens', 'sessions', 'refresh_tokens', 'migrations']),
        );
        for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
        const left = await ds.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
        );
        expect(left[0].n).toBe(0);
        expect(await ds.runMigrations()).toHaveLength(MIGRATIONS.length);
        expect(await ds.showMigrations()).toBe(false);
        // the entities describe exactly the schema the migrations make (what migration:generate would write)
        const drift = await ds.driver.createSchemaBuilder().log();
        expect(drift.upQueries.map((q) => q.query)).toEqual([]);
      } finally {
        await ds.destroy();
      }
    });
  });

  it('keeps its data across a restart of the embedded server', async () => {
    const dir = await embeddedDataDir('medisync-embedded-');
    dirs.push(dir);
    await withEmbedded(dir, async (embedded) => {
      const ds = new DataSource(dataSourceOptions({ url: embedded.url, poolSize: 2, migrateOnStart: false }));
      await ds.initialize();
      try {
        await ds.runMigrations();
      } finally {
        await ds.destroy();
      }
    });
    await withEmbedded(dir, async (embedded) => {
      const ds = new DataSource(dataSourceOptions({ url: embedded.url, poolSize: 2, migrateOnStart: false }));
      await ds.initialize();
      try {
        expect(await ds.showMigrations()).toBe(false);
      } finally {
        await ds.destroy();
      }
    });
  });
});
