import { createSecretKey } from 'node:crypto';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/** Injection token of the HS256 key: a KeyObject made once at boot from JWT_SECRET. */
export const JWT_KEY = Symbol('JWT_KEY');

export const jwtKeyProvider = {
  provide: JWT_KEY,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
};
