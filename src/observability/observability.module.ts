import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Structured logs (nestjs-pino over the root pino logger) and Prometheus metrics. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(logger: Pino): DynamicModule {
    return {
      module: ObservabilityModule,
      // no routes: Nest's own messages go through the root logger, and configureHttp writes the one
      // line per request, so pino-http's per-request child logger would be work for nothing
      imports: [LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false }, forRoutes: [] })],
      controllers: [MetricsController],
      providers: [MetricsService, { provide: ROOT_LOGGER, useValue: logger }],
      exports: [MetricsService, ROOT_LOGGER],
    };
  }
}
