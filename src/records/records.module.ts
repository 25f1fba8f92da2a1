import { Module } from '@nestjs/common';
import { PatientsModule } from '../patients/patients.module';
import { RecordsController } from './records.controller';
import { RecordsService } from './records.service';
import { AccessModule } from '../access/access.module';
import { RecordAccessPolicy } from './record-access.policy';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [AuditModule, AccessModule, PatientsModule],
  controllers: [RecordsController],
  providers: [RecordsService, RecordAccessPolicy],
  exports: [RecordsService],
})
export class RecordsModule {}
