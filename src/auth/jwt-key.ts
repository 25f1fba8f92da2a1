import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/** Injection token of the HS256 key: a KeyObject made once at boot from JWT_SECRET. */
export const JWT_KEY = Symbol('JWT_KEY');

/** The one place the key is made; @nestjs/jwt (signing) and passport-jwt (verifying) share it. */
@Module({
  providers: [
    { provide: JWT_KEY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) },
  ],
  exports: [JWT_KEY],
})
export class JwtKeyModule {}
