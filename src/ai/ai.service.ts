import { Inject, Injectable } from '@nestjs/common';
import { AppointmentsService } from '../appointments/appointments.service';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { PatientsService } from '../patients/patients.service';
import { RecordsService } from '../records/records.service';
import { AI_PROVIDER, AiProvider, NoteTemplate, REVIEW_NOTICE } from './ai.provider';
import { ClinicalNoteDto, DiagnosisDto } from './dto/ai.dto';
import { AiAudit } from './ai.audit';

const ageOn = (dateOfBirth: string, at: Date) => {
  const dob = new Date(`${dateOfBirth}T00:00:00Z`);
  let age = at.getUTCFullYear() - dob.getUTCFullYear();
  if (at.getUTCMonth() < dob.getUTCMonth() || (at.getUTCMonth() === dob.getUTCMonth() && at.getUTCDate() < dob.getUTCDate())) age--;
  return age;
};

@Injectable()
export class AiService {
  constructor(
    @Inject(AI_PROVIDER) private readonly provider: AiProvider,
    private readonly appointments: AppointmentsService,
    private readonly patients: PatientsService,
    private readonly records: RecordsService,
    private readonly audit: AuditService,
  ) {}

  async clinicalNote(
    user: Principal,
    appointmentId: string,
    template: NoteTemplate = 'soap_note',
    language = 'en',
  ): Promise<ClinicalNoteDto> {
    // the route's `owns` rule has checked that the appointment is the caller's
    const appointment = await this.appointments.get(appointmentId);
    const patient = await this.patients.get(appointment.patientId);
    const records = await this.records.latest(patient.id, 10);
    const draft = await this.provider.draftNote({
      template,
      language,
      appointment,
      patientAge: ageOn(patient.dateOfBirth, appointment.startsAt),
      records,
    });
    await this.audit.record({
      action: AiAudit.clinicalNote,
      actorId: user.id,
      targetId: appointment.id,
      targetType: 'appointment',
      details: { provider: this.provider.name, template },
    });
    return {
      appointmentId: appointment.id,
      notes: draft.notes,
      summary: draft.summary,
      notes_template_type: template,
      language,
      ...this.reviewed(),
    };
  }

  async diagnose(user: Principal, symptoms: string[], appointmentId?: string): Promise<DiagnosisDto> {
    const suggestion = await this.provider.suggestDiagnosis(symptoms);
    await this.audit.record({
      action: AiAudit.diagnosisPrediction,
      actorId: user.id,
      targetId: appointmentId ?? null,
      targetType: appointmentId ? 'appointment' : undefined,
      details: { provider: this.provider.name, icd_code: suggestion.icd_code },
    });
    return { status: 'generated', ...suggestion, ...this.reviewed() };
  }

  private reviewed() {
    return { provider: this.provider.name, reviewRequired: true as const, disclaimer: REVIEW_NOTICE };
  }
}
