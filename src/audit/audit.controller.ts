import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { ApiErrors } from '../common/api-errors';
import { AuditService } from './audit.service';
import { AuditEventPageDto, AuditQueryDto, toAuditEventDto } from './dto/audit.dto';

@ApiTags('admin')
@Controller('admin/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first. Filter by actor, target, action (or its prefix) and a time range. */
  @Get()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ operationId: 'listAuditEvents', summary: 'List audit events' })
  @ApiErrors(400)
  async list(@Query() query: AuditQueryDto): Promise<AuditEventPageDto> {
    const { rows, total, page, limit } = await this.audit.list(query);
    const counts = await this.audit.counts(rows.map((r) => r.id));
    return { success: true, data: rows.map((r) => toAuditEventDto(r, counts.get(r.id) ?? 1)), meta: { page, limit, total } };
  }
}
