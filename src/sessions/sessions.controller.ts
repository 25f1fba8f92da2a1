import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators';
import { CurrentUser, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors';
import { MessageDto } from '../common/common.dto';
import { UuidParam } from '../common/uuid-param';
import { UsersService } from '../users/users.service';
import { SessionListDto, SessionsEndedDto, toSessionDto } from './dto/sessions.dto';
import { SessionsService } from './sessions.service';

const ended = (n: number): SessionsEndedDto => ({ success: true, message: `${n} session${n === 1 ? '' : 's'} ended`, ended: n });

@ApiTags('sessions')
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** The caller's live sessions (one per login not yet ended or expired), most recently used first; `current` marks this token's. */
  @Get('sessions')
  @Auth({ verified: false })
  @ApiOperation({ operationId: 'listSessions', summary: 'List my sessions' })
  async list(@CurrentUser() user: Principal): Promise<SessionListDto> {
    const rows = await this.sessions.list(user.id);
    return { success: true, data: rows.map((s) => toSessionDto(s, user.sessionId)) };
  }

  /** Ends one of the caller's sessions: its access and refresh tokens are refused from the next request, on every instance. */
  @Delete('sessions/:id')
  @Auth({ verified: false, owns: { resource: 'session', param: 'id' } })
  @ApiOperation({ operationId: 'endSession', summary: 'End one of my sessions' })
  @ApiErrors(400)
  async end(@CurrentUser() user: Principal, @UuidParam('id') id: string): Promise<MessageDto> {
    await this.sessions.end(id, 'ended_by_user', user.id);
    return { success: true, message: 'Session ended' };
  }

  /** Signs out everywhere: every session of the caller ends, this one included. */
  @Post('logout/all')
  @Auth({ verified: false })
  @HttpCode(200)
  @ApiOperation({ operationId: 'logoutAll', summary: 'Log out everywhere (end all my sessions)' })
  async logoutAll(@CurrentUser() user: Principal): Promise<SessionsEndedDto> {
    return ended(await this.sessions.endAll(user.id, 'logout_all', user.id));
  }
}

@ApiTags('admin')
@Controller('admin/users/:id/sessions')
@Auth({ roles: ['admin'] })
export class AdminSessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  /** A user's live sessions, most recently used first. */
  @Get()
  @ApiOperation({ operationId: 'adminListUserSessions', summary: 'List a user’s sessions (admin)' })
  @ApiErrors(400, [404, 'NOT_FOUND: no such user'])
  async list(@CurrentUser() admin: Principal, @UuidParam('id') id: string): Promise<SessionListDto> {
    await this.users.getById(id);
    const rows = await this.sessions.list(id);
    return { success: true, data: rows.map((s) => toSessionDto(s, admin.sessionId)) };
  }

  /** Ends every session of the user (their tokens are refused from the next request); the account stays enabled. */
  @Delete()
  @ApiOperation({ operationId: 'adminEndUserSessions', summary: 'End all of a user’s sessions (admin)' })
  @ApiErrors(400, [404, 'NOT_FOUND: no such user'])
  async endAll(@CurrentUser() admin: Principal, @UuidParam('id') id: string): Promise<SessionsEndedDto> {
    await this.users.getById(id);
    return ended(await this.sessions.endAll(id, 'ended_by_admin', admin.id));
  }
}
