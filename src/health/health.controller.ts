import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SkipRateLimit } from '../abuse/rate-limit';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { AppException } from '../common/errors';
import { DatabaseConnection } from '../database/connection';
import { LiveDto, ReadyDto } from './dto/health.dto';
import { Readiness } from './readiness';

@ApiTags('health')
@Controller('health')
@SkipRateLimit()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly readiness: Readiness,
  ) {}

  /** The process is up and serving HTTP (no dependency is checked): for liveness probes. */
  @Get('live')
  @Public()
  @ApiOperation({ operationId: 'healthLive', summary: 'Liveness' })
  live(): LiveDto {
    return { success: true, status: 'ok' };
  }

  /** The database answers within 3 s: for readiness probes and load balancers. 503 otherwise. */
  @Get('ready')
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ operationId: 'healthReady', summary: 'Readiness (checks the database)' })
  @ApiErrors([503, 'SERVICE_UNAVAILABLE: the database does not answer'])
  async ready(): Promise<ReadyDto> {
    // also 503 from SIGTERM on (the server drains: SHUTDOWN_DRAIN_MS in main.ts), and while the database
    // has not been reached since start (DatabaseConnector keeps trying)
    if (!this.readiness.accepting) throw new AppException('SERVICE_UNAVAILABLE', 'Shutting down');
    if (!DatabaseConnection.of(this.dataSource).ready) throw new AppException('SERVICE_UNAVAILABLE', 'Database not connected yet');
    try {
      const result = await this.health.check([() => this.db.pingCheck('database', { timeout: 3000 })]);
      return { success: true, status: 'ok', checks: result.info ?? {} };
    } catch {
      throw new AppException('SERVICE_UNAVAILABLE', 'Database unreachable');
    }
  }
}
