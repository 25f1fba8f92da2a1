/**
 * `npm run openapi:export [file]`: writes the OpenAPI document the server serves at /docs-json
 * (default ./openapi.json). Runs the built application on a throw-away embedded database. Its
 * `servers` entry is APP_URL from the environment (default http://localhost:3000).
 */
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, openApiDocument } from './app.setup';
import { loadConfig } from './config/config';
import { EMBEDDED_POOL_SIZE, startEmbeddedDatabase } from './database/embedded';

async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'openapi.json');
  const dir = await mkdtemp(join(tmpdir(), 'medisync-openapi-'));
  const embedded = await startEmbeddedDatabase(dir, EMBEDDED_POOL_SIZE + 2);
  try {
    const config = {
      ...loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: dir,
        LOG_LEVEL: 'error',
        ...(process.env.APP_URL ? { APP_URL: process.env.APP_URL } : {}),
      }),
      dbPoolSize: EMBEDDED_POOL_SIZE,
    };
    const app = await createApp(config, embedded.url);
    await writeFile(target, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
    await app.close();
    console.log(`OpenAPI document written to ${target}`);
  } finally {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
