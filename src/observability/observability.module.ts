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
      imports: [LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false, quietReqLogger: true } })],
      controllers: [MetricsController],
      providers: [MetricsService, { provide: ROOT_LOGGER, useValue: logger }],
      exports: [MetricsService, ROOT_LOGGER],
    };
  }
}
