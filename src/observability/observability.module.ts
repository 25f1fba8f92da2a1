import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';

/** Prometheus metrics: the registry modules record into, and GET /metrics (on the API port, or on METRICS_PORT). Logs: logger.ts. */
@Module({ controllers: [MetricsController], providers: [MetricsService, MetricsServer], exports: [MetricsService] })
export class ObservabilityModule {}
