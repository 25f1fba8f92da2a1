import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.options';
import { EmbeddedDatabase, startEmbeddedDatabase } from '../src/database/embedded';
import { MIGRATIONS } from '../migrations';

/** The zero-setup default (`npm start` without DATABASE_URL) runs the same migrations, both ways. */
describe('embedded database (PGlite over the wire protocol)', () => {
  let dir: string;
  let embedded: EmbeddedDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'medisync-embedded-'));
    embedded = await startEmbeddedDatabase(dir, 5);
  });
  afterAll(async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies every migration, reverts them all, and applies them again', async () => {
    const ds = new DataSource(dataSourceOptions({ url: embedded.url, poolSize: 3, migrateOnStart: false }));
    await ds.initialize();
    try {
      expect((await ds.runMigrations()).map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      const tables = await ds.query<Array<{ table_name: string }>>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['users', 'one_time_tokens', 'revoked_tokens', 'migrations']));
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

  it('keeps its data across a restart of the embedded server', async () => {
    await embedded.stop();
    embedded = await startEmbeddedDatabase(dir, 5);
    const ds = new DataSource(dataSourceOptions({ url: embedded.url, poolSize: 2, migrateOnStart: false }));
    await ds.initialize();
    try {
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
    }
  });
});
