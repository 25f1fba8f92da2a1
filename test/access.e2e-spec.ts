import { Reflector } from '@nestjs/core';
import pino from 'pino';
import { AccessService } from '../src/access/access.service';
import { ownsOf } from '../src/access/owns';
import { AppModule } from '../src/app.module';
import { controllersOf } from '../src/auth/route-access';
import { loadConfig } from '../src/config/config';
import { startTestApp, TestContext } from './support/app';

/** The running application: every resource a route declares ownership of has its policy registered. */
describe('ownership policies', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('every `owns` resource of every route has a registered ownership policy', () => {
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'access-e2e-secret-0123456789abcdefghij', DEMO_MODE: 'true' });
    const reflector = new Reflector();
    const declared = new Set<string>();
    for (const controller of controllersOf(AppModule.forRoot(config, 'postgres://unused', pino({ enabled: false })))) {
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const rule = name === 'constructor' ? null : ownsOf(reflector, [proto[name] as () => void, controller]);
        if (rule) declared.add(rule.resource);
      }
    }
    expect([...declared].sort()).toEqual(['appointment', 'doctor', 'patient', 'record', 'session']);
    expect(ctx.app.get(AccessService).resources().sort()).toEqual([...declared].sort());
  });
});
