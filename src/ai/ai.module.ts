import { Module } from '@nestjs/common';
import { AppointmentsModule } from '../appointments/appointments.module';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { PatientsModule } from '../patients/patients.module';
import { RecordsModule } from '../records/records.module';
import { AI_PROVIDER, AiProvider } from './ai.provider';
import { AiController } from './ai.controller';
import { AiService } from './ai.service';
import { OpenAiProvider } from './openai.provider';
import { RulesProvider } from './rules.provider';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [AuditModule, AppointmentsModule, PatientsModule, RecordsModule],
  controllers: [AiController],
  providers: [
    AiService,
    {
      provide: AI_PROVIDER,
      inject: [APP_CONFIG],
      useFactory: ({ ai }: AppConfig): AiProvider =>
        ai.provider === 'openai'
          ? new OpenAiProvider({ baseUrl: ai.baseUrl!, apiKey: ai.apiKey, model: ai.model, timeoutMs: ai.timeoutMs })
          : new RulesProvider(),
    },
  ],
})
export class AiModule {}
