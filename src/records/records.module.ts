import { Module } from '@nestjs/common';
import { PatientsModule } from '../patients/patients.module';
import { RecordsController } from './records.controller';
import { RecordsService } from './records.service';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [AuditModule, PatientsModule],
  controllers: [RecordsController],
  providers: [RecordsService],
  exports: [RecordsService],
})
export class RecordsModule {}
