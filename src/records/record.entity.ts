import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Patient } from '../patients/patient.entity';
import { User } from '../users/user.entity';

export const RECORD_TYPES = ['note', 'diagnosis', 'prescription', 'lab_result', 'other'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** A medical record entry. Append-only through the API: written once by the owning doctor. */
@Entity({ name: 'records' })
@Check('ck_records_type', `type IN ('note', 'diagnosis', 'prescription', 'lab_result', 'other')`)
@Index('ix_records_patient', ['patientId', 'createdAt'])
export class MedicalRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @ManyToOne(() => Patient, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_records_patient' })
  patient?: Patient;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'fk_records_author' })
  author?: User;

  @Column({ type: 'text' })
  type: RecordType;

  @Column({ type: 'text' })
  content: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
