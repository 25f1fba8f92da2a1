import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { UuidParam } from '../common/uuid-param';
import { AdminUpdateUserDto, AdminUserPageDto, AdminUserQueryDto, AdminUserResponseDto, toAdminUserDto } from './dto/admin-users.dto';
import { UsersService } from './users.service';

@ApiTags('admin')
@Controller('admin/users')
@Auth({ roles: ['admin'] })
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  /** Oldest first; `q` searches email and names. */
  @Get()
  @ApiOperation({ operationId: 'adminListUsers', summary: 'List users (admin)' })
  @ApiErrors(400)
  async list(@Query() query: AdminUserQueryDto): Promise<AdminUserPageDto> {
    const { rows, total, page, limit } = await this.users.list(query);
    return { success: true, data: rows.map(toAdminUserDto), meta: { page, limit, total } };
  }

  /** Changes role and/or disables; the last active admin can be neither demoted nor disabled (409 CONFLICT). */
  @Patch(':id')
  @ApiOperation({ operationId: 'adminUpdateUser', summary: 'Change a user’s role or disable them (admin)' })
  @ApiErrors(400, [404, 'NOT_FOUND: no such user'], [409, 'CONFLICT: that would leave no active admin'], 415)
  async update(
    @CurrentUser() admin: Principal,
    @UuidParam('id') id: string,
    @Body() dto: AdminUpdateUserDto,
  ): Promise<AdminUserResponseDto> {
    return { success: true, user: toAdminUserDto(await this.users.adminUpdate(admin.id, id, dto)) };
  }
}
