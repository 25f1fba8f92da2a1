import { Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

/**
 * The token signing keys: the active key (HS256 secret, or an EdDSA/ES256/RS256 private key), the previous
 * keys that still verify during a rotation, and their publication at /.well-known/jwks.json. The Auth
 * module signs and verifies through KeysService; every key is made once, here, at boot.
 */
@Module({
  controllers: [KeysController],
  providers: [{ provide: KeysService, inject: [APP_CONFIG], useFactory: (config: AppConfig) => KeysService.create(config) }],
  exports: [KeysService],
})
export class KeysModule {}
