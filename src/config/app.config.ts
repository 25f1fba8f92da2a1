import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { emptyToUndefined, toBool, toInt } from './env-values';

/** General settings: the environment kind, where to listen, the public URL, the data folder. */
export class AppVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsString()
  HOST = '0.0.0.0';

  /** Default: http://localhost:<PORT>. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  APP_URL?: string;

  @Transform(emptyToUndefined)
  @IsString()
  DATA_DIR = './data';

  /**
   * The deployment is reached only over HTTPS (TLS terminated here or, usually, at a proxy in front):
   * then the Strict-Transport-Security header and the CSP's `upgrade-insecure-requests` are sent.
   * Off by default: over plain HTTP they would break /docs and pin browsers to an HTTPS that is not there.
   */
  @Transform(toBool)
  @IsBoolean()
  HTTPS_ONLY = false;

  /**
   * On SIGTERM: how long the server keeps serving while /health/ready answers 503, so that load
   * balancers stop sending before it closes. Default 5000 with NODE_ENV=production, else 0.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_DRAIN_MS?: number;
  /** Serve the hosted account pages (/verify-email, /reset-password, /accept-invitation) the emails link to. */
  @Transform(toBool)
  @IsBoolean()
  PAGES_ENABLED = true;

  /** Let a login ask for its token in an HttpOnly cookie (`"cookie": true`); the admin console needs it. */
  @Transform(toBool)
  @IsBoolean()
  AUTH_COOKIES = false;
}

export interface AppSlice {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Without a trailing slash. */
  appUrl: string;
  /** The embedded database and the mail outbox. */
  dataDir: string;
  /** HTTPS_ONLY: send HSTS and the CSP's upgrade-insecure-requests. */
  httpsOnly: boolean;
  /** SHUTDOWN_DRAIN_MS: not-ready but serving, between SIGTERM and closing. */
  shutdownDrainMs: number;
  /** The hosted account pages are served (else those paths are 404; the emailed links stay as they are). */
  pagesEnabled: boolean;
  /** Logins may set their token in the `__Host-medisync_session` cookie (src/auth/cookie-auth.ts). */
  authCookies: boolean;
}

export function appSlice(v: AppVariables): AppSlice {
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    appUrl: (v.APP_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    dataDir: v.DATA_DIR,
    httpsOnly: v.HTTPS_ONLY,
    shutdownDrainMs: v.SHUTDOWN_DRAIN_MS ?? (v.NODE_ENV === 'production' ? 5000 : 0),
    pagesEnabled: v.PAGES_ENABLED,
    authCookies: v.AUTH_COOKIES,
  };
}
