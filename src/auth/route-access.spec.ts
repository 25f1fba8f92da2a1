import { Controller, Get, Module } from '@nestjs/common';
import pino from 'pino';
import { AppModule } from '../app.module';
import { GLOBAL_PREFIX } from '../app.setup';
import { loadConfig } from '../config/config';
import { controllersOf, listRouteAccess } from './route-access';

/**
 * Every route's access, read from the module graph alone (no database, no server): the check that no
 * route forgot its declaration, and the snapshot that makes every permission change visible in review.
 */
describe('access declarations', () => {
  // demo mode on, so that its routes are listed too
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'route-access-spec-secret-0123456789abcdef', DEMO_MODE: 'true' });
  const routes = listRouteAccess(controllersOf(AppModule.forRoot(config, 'postgres://unused', pino({ enabled: false }))), GLOBAL_PREFIX);

  it('every route declares who may call it (@Public() or @Auth())', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => !r.declared).map((r) => r.route)).toEqual([]);
  });

  it('route → who may call it: roles, verified email, subscription and ownership (a permission change shows up in this snapshot)', () => {
    expect(Object.fromEntries(routes.map((r) => [r.route, r.access]))).toMatchSnapshot();
  });

  it('the walker does find a route that declares nothing', () => {
    @Controller('forgotten')
    class ForgottenController {
      @Get()
      get() {
        return 'open?';
      }
    }
    @Module({ controllers: [ForgottenController] })
    class ForgottenModule {}
    @Module({ imports: [ForgottenModule] })
    class Outer {}
    expect(listRouteAccess(controllersOf(Outer)).filter((r) => !r.declared)).toEqual([
      { route: 'GET /forgotten', access: 'UNDECLARED', declared: false },
    ]);
  });
});
