import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { envelope } from '../common/all-exceptions.filter';
import { ERRORS, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from './metrics.service';

/**
 * METRICS_PORT: `GET /metrics` on a listener of its own (on HOST), so that the API port and the public
 * Service never expose it; the API port then answers /metrics 404. METRICS_TOKEN, when also set, is
 * required here as well. Anything else on this port is 404.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Where it listens (undefined without METRICS_PORT). */
  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metricsPort === undefined) return;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort, this.config.host, () => resolve());
    });
    this.server = server;
    const { address, port } = this.address()!;
    const host = address.includes(':') ? `[${address}]` : address;
    this.logger.log({ msg: `metrics on http://${host}:${port}/metrics`, address, port });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return this.error(res, 'NOT_FOUND', 'Route not found');
    const token = this.config.metricsToken;
    if (token) {
      const header = req.headers.authorization;
      if (!header) return this.error(res, 'AUTH_HEADER_MISSING');
      const given = Buffer.from(header.replace(/^Bearer +/i, ''));
      const expected = Buffer.from(token);
      if (!/^Bearer +/i.test(header) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return this.error(res, 'TOKEN_INVALID');
      }
    }
    try {
      const body = await this.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(body);
    } catch {
      this.error(res, 'INTERNAL_ERROR');
    }
  }

  private error(res: ServerResponse, code: ErrorCode, message: string = ERRORS[code].message): void {
    const body = envelope({ status: ERRORS[code].status, code, message }, randomUUID());
    res.writeHead(body.statusCode, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
