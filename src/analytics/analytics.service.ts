import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AppointmentsService } from '../appointments/appointments.service';
import type { Principal } from '../auth/principal';
import { PatientsService } from '../patients/patients.service';
import { AnalyticsSummaryDto } from './dto/analytics.dto';

/**
 * Figures of the caller's own patients, or (admin) of the whole system, computed in SQL by the modules
 * that own the tables (archived patients and their appointments excluded).
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly access: AccessService,
    private readonly patients: PatientsService,
    private readonly appointments: AppointmentsService,
  ) {}

  async summary(user: Principal): Promise<AnalyticsSummaryDto> {
    const [patients, { byStatus, byMonth }] = await Promise.all([this.patients.count(user), this.appointments.counts(user)]);
    const appointmentsByStatus = { planned: 0, finished: 0, canceled: 0, ...byStatus };
    return {
      scope: this.access.scope(user, 'patient') ? 'doctor' : 'system',
      patients,
      appointments: Object.values(appointmentsByStatus).reduce((sum, n) => sum + n, 0),
      appointmentsByStatus,
      appointmentsByMonth: byMonth,
    };
  }
}
