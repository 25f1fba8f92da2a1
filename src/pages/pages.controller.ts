import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { PageName, renderPage } from './pages.html';

const html = Object.fromEntries(
  (['verify-email', 'reset-password', 'accept-invitation'] as PageName[]).map((name) => [name, renderPage(name)]),
) as Record<PageName, string>;

/**
 * The pages the emails link to (under APP_URL, outside /api). Opening one changes nothing: the token
 * is spent only when the person presses its button (the page posts it to the public API), so a mail
 * scanner that fetches links cannot verify an account or spend a link. Not API operations, so not in
 * the OpenAPI document.
 */
@ApiExcludeController()
@Controller()
export class PagesController {
  @Get('verify-email')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  verifyEmail(): string {
    return html['verify-email'];
  }

  @Get('reset-password')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  resetPassword(): string {
    return html['reset-password'];
  }

  @Get('accept-invitation')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  acceptInvitation(): string {
    return html['accept-invitation'];
  }
}
