import { AuditModule } from '../audit/audit.module';
import { AccessDenials } from './access-denials';
import { Module } from '@nestjs/common';
import { AccessService } from './access.service';
import { OwnershipGuard } from './ownership.guard';

/** Ownership: the access component and its guard, and the audit of every 403 the access guards give (AccessDenials). Modules with owned resources import it and register a policy. */
@Module({
  imports: [AuditModule],
  providers: [AccessService, OwnershipGuard, AccessDenials],
  exports: [AccessService, OwnershipGuard, AccessDenials],
})
export class AccessModule {}
