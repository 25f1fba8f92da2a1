import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { listRouteAccess } from '../src/auth/route-access';
import { startTestApp, TestContext } from './support/app';

describe('access declarations', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('every route declares who may call it (@Public() or @Auth())', () => {
    const routes = listRouteAccess(ctx.app);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => !r.declared).map((r) => r.route)).toEqual([]);
  });

  it('route → who may call it (a permission change shows up in this snapshot)', () => {
    expect(Object.fromEntries(listRouteAccess(ctx.app).map((r) => [r.route, r.access]))).toMatchSnapshot();
  });

  it('the walker does find a route that declares nothing', async () => {
    @Controller('forgotten')
    class ForgottenController {
      @Get()
      get() {
        return 'open?';
      }
    }
    @Module({ controllers: [ForgottenController] })
    class ForgottenModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ForgottenModule] }).compile();
    expect(listRouteAccess(moduleRef).filter((r) => !r.declared)).toEqual([
      { route: 'GET /forgotten', access: 'UNDECLARED', declared: false },
    ]);
    await moduleRef.close();
  });
});
