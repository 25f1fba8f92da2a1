import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { emptyToUndefined, toInt } from './env-values';

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
}

export interface AppSlice {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Without a trailing slash. */
  appUrl: string;
  /** The embedded database and the mail outbox. */
  dataDir: string;
}

export function appSlice(v: AppVariables): AppSlice {
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    appUrl: (v.APP_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    dataDir: v.DATA_DIR,
  };
}
