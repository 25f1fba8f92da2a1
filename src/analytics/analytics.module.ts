import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AppointmentsModule } from '../appointments/appointments.module';
import { PatientsModule } from '../patients/patients.module';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';

@Module({ imports: [AccessModule, PatientsModule, AppointmentsModule], controllers: [AnalyticsController], providers: [AnalyticsService] })
export class AnalyticsModule {}
