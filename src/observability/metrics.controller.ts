import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SkipRateLimit } from '../abuse/rate-limit';
import { Public } from '../auth/decorators';
import { AppException } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from './metrics.service';

/** Constant time whatever the lengths or characters: compares fixed-size digests. */
const same = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** Prometheus text format; public unless METRICS_TOKEN is set, then `Authorization: Bearer <METRICS_TOKEN>`. */
@ApiExcludeController()
@Controller('metrics')
@Public()
@SkipRateLimit()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const expected = this.config.metricsToken;
    if (expected) {
      if (!authorization) throw new AppException('AUTH_HEADER_MISSING');
      const match = /^Bearer (\S+)$/i.exec(authorization);
      if (!match) throw new AppException('AUTH_HEADER_INVALID');
      if (!same(match[1], expected)) throw new AppException('TOKEN_INVALID');
    }
    await reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
