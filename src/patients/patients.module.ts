import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { InvitationsController, PatientsController } from './patients.controller';
import { PatientAccessPolicy } from './patient-access.policy';
import { PatientsService } from './patients.service';

@Module({
  imports: [AccessModule, UsersModule, VerificationModule],
  controllers: [PatientsController, InvitationsController],
  providers: [PatientsService, PatientAccessPolicy],
  exports: [PatientsService],
})
export class PatientsModule {}
