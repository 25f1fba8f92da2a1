import { Module } from '@nestjs/common';
import { AccessService } from './access.service';
import { OwnershipGuard } from './ownership.guard';

/** Ownership: the access component and its guard. Modules with owned resources import it and register a policy. */
@Module({ providers: [AccessService, OwnershipGuard], exports: [AccessService, OwnershipGuard] })
export class AccessModule {}
