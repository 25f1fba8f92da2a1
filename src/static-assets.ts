import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from './config/config';

/**
 * The browser files of the hosted pages (`/pages/assets/`, only with PAGES_ENABLED) and of the admin
 * console (`/admin/assets/`): plain ES modules and CSS, shipped as they are written (nest build copies
 * them to dist, see nest-cli.json), served by @fastify/static from this origin only.
 */
export async function serveStaticAssets(app: NestFastifyApplication, config: Pick<AppConfig, 'pagesEnabled'>): Promise<void> {
  const options = { decorateReply: false, index: false as const, list: false as const, dotfiles: 'deny' as const };
  await app.register(fastifyStatic, { ...options, root: join(__dirname, 'console', 'assets'), prefix: '/admin/assets/' });
  if (config.pagesEnabled) {
    await app.register(fastifyStatic, { ...options, root: join(__dirname, 'pages', 'assets'), prefix: '/pages/assets/' });
  }
}
