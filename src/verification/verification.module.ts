import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { OneTimeToken } from './one-time-token.entity';
import { OneTimeTokenService } from './one-time-token.service';
import { PasswordController, VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';

@Module({
  imports: [TypeOrmModule.forFeature([OneTimeToken]), UsersModule],
  controllers: [VerificationController, PasswordController],
  providers: [OneTimeTokenService, VerificationService],
  exports: [OneTimeTokenService, VerificationService],
})
export class VerificationModule {}
