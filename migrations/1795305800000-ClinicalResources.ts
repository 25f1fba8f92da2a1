import { MigrationInterface, QueryRunner } from 'typeorm';

/** Patients (owned by a doctor, soft-deleted), appointments and medical records. */
export class ClinicalResources1795305800000 implements MigrationInterface {
  name = 'ClinicalResources1795305800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE patients (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        doctor_id uuid NOT NULL,
        user_id uuid,
        first_name text NOT NULL,
        last_name text NOT NULL,
        date_of_birth date NOT NULL,
        email text,
        phone text,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_patients PRIMARY KEY (id),
        CONSTRAINT fk_patients_doctor FOREIGN KEY (doctor_id) REFERENCES users (id) ON DELETE RESTRICT,
        CONSTRAINT fk_patients_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT uq_patients_user UNIQUE (user_id)
      )`);
    await q.query(`CREATE INDEX ix_patients_doctor ON patients (doctor_id, last_name)`);
    await q.query(`
      CREATE TABLE appointments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        doctor_id uuid NOT NULL,
        patient_id uuid NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'planned',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_appointments PRIMARY KEY (id),
        CONSTRAINT fk_appointments_doctor FOREIGN KEY (doctor_id) REFERENCES users (id) ON DELETE RESTRICT,
        CONSTRAINT fk_appointments_patient FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE RESTRICT,
        CONSTRAINT ck_appointments_status CHECK (status IN ('planned', 'finished', 'canceled')),
        CONSTRAINT ck_appointments_time CHECK (ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX ix_appointments_doctor ON appointments (doctor_id, starts_at)`);
    await q.query(`CREATE INDEX ix_appointments_patient ON appointments (patient_id, starts_at)`);
    await q.query(`
      CREATE TABLE records (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        author_id uuid NOT NULL,
        type text NOT NULL,
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_records PRIMARY KEY (id),
        CONSTRAINT fk_records_patient FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE RESTRICT,
        CONSTRAINT fk_records_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE RESTRICT,
        CONSTRAINT ck_records_type CHECK (type IN ('note', 'diagnosis', 'prescription', 'lab_result', 'other'))
      )`);
    await q.query(`CREATE INDEX ix_records_patient ON records (patient_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE records`);
    await q.query(`DROP TABLE appointments`);
    await q.query(`DROP TABLE patients`);
  }
}
