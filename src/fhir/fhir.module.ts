import { Module } from '@nestjs/common';
import { AppointmentsModule } from '../appointments/appointments.module';
import { PatientsModule } from '../patients/patients.module';
import { RecordsModule } from '../records/records.module';
import { UsersModule } from '../users/users.module';
import { FhirFormatGuard } from './fhir-format.guard';
import { FhirController } from './fhir.controller';
import { FhirService } from './fhir.service';

/**
 * The FHIR R4 interface (/fhir/R4): a read-only face of the patients, appointments, records and doctors,
 * through those modules' services. Its errors are written by FHIR_ERROR_FORMAT, which the application's
 * exception filter is given (app.module.ts).
 */
@Module({
  imports: [PatientsModule, AppointmentsModule, RecordsModule, UsersModule],
  controllers: [FhirController],
  providers: [FhirService, FhirFormatGuard],
})
export class FhirModule {}
