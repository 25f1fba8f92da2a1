import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from '../common/base.entity';
import { Patient } from '../patients/patient.entity';
import { User } from '../users/user.entity';

export const APPOINTMENT_STATUSES = ['planned', 'finished', 'canceled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

@Entity({ name: 'appointments' })
@Check('ck_appointments_status', `status IN ('planned', 'finished', 'canceled')`)
@Check('ck_appointments_time', 'ends_at > starts_at')
@Index('ix_appointments_doctor', ['doctorId', 'startsAt'])
@Index('ix_appointments_patient', ['patientId', 'startsAt'])
export class Appointment extends BaseEntity {
  @Column({ name: 'doctor_id', type: 'uuid' })
  doctorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'doctor_id', foreignKeyConstraintName: 'fk_appointments_doctor' })
  doctor?: User;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @ManyToOne(() => Patient, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_appointments_patient' })
  patient?: Patient;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text', default: 'planned' })
  status: AppointmentStatus;
}
