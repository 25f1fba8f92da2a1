import { DynamicModule, Module } from '@nestjs/common';
import { PagesController } from './pages.controller';

/**
 * The hosted account pages (PAGES_ENABLED, default true). Turned off, their paths are 404 like any
 * unknown route, and the emailed links still point at them under APP_URL: an integrator with its own
 * front end serves those paths there.
 */
@Module({})
export class PagesModule {
  static register(enabled: boolean): DynamicModule {
    return enabled ? { module: PagesModule, controllers: [PagesController] } : { module: PagesModule };
  }
}
