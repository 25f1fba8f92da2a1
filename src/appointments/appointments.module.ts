import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { PatientsModule } from '../patients/patients.module';
import { AppointmentAccessPolicy } from './appointment-access.policy';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [AuditModule, AccessModule, PatientsModule],
  controllers: [AppointmentsController],
  providers: [AppointmentsService, AppointmentAccessPolicy],
  exports: [AppointmentsService],
})
export class AppointmentsModule {}
