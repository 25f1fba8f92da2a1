import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SkipRateLimit } from '../abuse/rate-limit';
import { MetricsTokenAuth } from '../auth/decorators';
import { MetricsService } from './metrics.service';

/** Prometheus text format; public unless METRICS_TOKEN is set, then `Authorization: Bearer <METRICS_TOKEN>`. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @MetricsTokenAuth()
  @SkipRateLimit()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
