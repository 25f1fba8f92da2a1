import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/decorators';
import { AnalyticsSummaryDto } from './dto/analytics.dto';

/** Figures computed in SQL (archived patients and their appointments excluded). */
@Injectable()
export class AnalyticsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async summary(user: Principal): Promise<AnalyticsSummaryDto> {
    const system = user.role === 'admin';
    // $1 is the doctor, or NULL for the whole system
    const doctor = system ? null : user.id;
    const [patients] = await this.db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM patients WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR doctor_id = $1)`,
      [doctor],
    );
    const byStatus = await this.db.query<Array<{ status: 'planned' | 'finished' | 'canceled'; n: number }>>(
      `SELECT a.status, count(*)::int AS n FROM appointments a JOIN patients p ON p.id = a.patient_id AND p.deleted_at IS NULL
        WHERE ($1::uuid IS NULL OR a.doctor_id = $1) GROUP BY a.status`,
      [doctor],
    );
    const byMonth = await this.db.query<Array<{ month: string; n: number }>>(
      `SELECT to_char(date_trunc('month', a.starts_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, count(*)::int AS n
         FROM appointments a JOIN patients p ON p.id = a.patient_id AND p.deleted_at IS NULL
        WHERE ($1::uuid IS NULL OR a.doctor_id = $1) GROUP BY 1 ORDER BY 1`,
      [doctor],
    );
    const appointmentsByStatus = { planned: 0, finished: 0, canceled: 0 };
    for (const row of byStatus) appointmentsByStatus[row.status] = row.n;
    return {
      scope: system ? 'system' : 'doctor',
      patients: patients.n,
      appointments: byStatus.reduce((sum, r) => sum + r.n, 0),
      appointmentsByStatus,
      appointmentsByMonth: byMonth.map((r) => ({ month: r.month, count: r.n })),
    };
  }
}
