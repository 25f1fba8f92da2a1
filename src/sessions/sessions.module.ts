import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { SessionAccessPolicy } from './session-access.policy';
import { AdminSessionsController, SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Sessions and their refresh tokens (contract, Sessions v2): the only writer of `sessions` and `refresh_tokens`. */
@Module({
  imports: [AuditModule, AccessModule, UsersModule],
  controllers: [SessionsController, AdminSessionsController],
  providers: [SessionsService, SessionAccessPolicy],
  exports: [SessionsService],
})
export class SessionsModule {}
