import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators';

/**
 * The admin console's page. Anyone may load it: it holds no data, and everything it shows comes from
 * the public API with the signed-in admin's session (a cookie, AUTH_COOKIES=true). Its script and
 * styles are under /admin/assets/ (src/static-assets.ts).
 */
@ApiExcludeController()
@Controller()
export class ConsoleController {
  private readonly html = readFileSync(join(__dirname, 'assets', 'index.html'), 'utf8');

  @Get('admin')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  page(): string {
    return this.html;
  }
}
