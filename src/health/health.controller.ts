import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipRateLimit } from '../abuse/rate-limit';
import { Public } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { AppException } from '../common/errors';
import { LiveDto, ReadyDto } from './dto/health.dto';

@ApiTags('health')
@Controller('health')
@SkipRateLimit()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
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
    try {
      const result = await this.health.check([() => this.db.pingCheck('database', { timeout: 3000 })]);
      return { success: true, status: 'ok', checks: result.info ?? {} };
    } catch {
      throw new AppException('SERVICE_UNAVAILABLE', 'Database unreachable');
    }
  }
}
