import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { UsersModule } from '../users/users.module';
import { PatientsController } from './patients.controller';
import { PatientAccessPolicy } from './patient-access.policy';
import { DoctorAccessPolicy } from './doctor-access.policy';
import { PatientsService } from './patients.service';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [AuditModule, AccessModule, UsersModule],
  controllers: [PatientsController],
  providers: [PatientsService, PatientAccessPolicy, DoctorAccessPolicy],
  exports: [PatientsService],
})
export class PatientsModule {}
