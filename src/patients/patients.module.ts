import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { InvitationsController, PatientsController } from './patients.controller';
import { PatientsService } from './patients.service';

@Module({
  imports: [UsersModule, VerificationModule],
  controllers: [PatientsController, InvitationsController],
  providers: [PatientsService],
  exports: [PatientsService],
})
export class PatientsModule {}
