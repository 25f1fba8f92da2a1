import { AccessModule } from '../access/access.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersController } from './admin-users.controller';
import { PasswordHasher } from './password-hasher.service';
import { RolesGuard } from './roles.guard';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [AuditModule, AccessModule, TypeOrmModule.forFeature([User])],
  controllers: [UsersController, AdminUsersController],
  providers: [UsersService, PasswordHasher, RolesGuard],
  exports: [UsersService, PasswordHasher, RolesGuard],
})
export class UsersModule {}
