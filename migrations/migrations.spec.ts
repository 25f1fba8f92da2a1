import { readdirSync } from 'node:fs';
import { MIGRATIONS } from '.';

describe('migrations/index.ts', () => {
  it('lists every migration file in this folder, oldest first', () => {
    const files = readdirSync(__dirname)
      .filter((f) => /^\d{13}-.+\.ts$/.test(f))
      .sort();
    const timestamps = MIGRATIONS.map((m) => /(\d{13})$/.exec(m.name)?.[1]);
    expect(timestamps).toEqual(files.map((f) => f.slice(0, 13)));
  });
});
