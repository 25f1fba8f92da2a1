import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { emptyToUndefined, toBool, toInt } from './env-values';

export class DatabaseVariables {
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @Transform(toBool)
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;
}

export interface DatabaseSlice {
  /** Unset: the embedded database under `dataDir` is started. */
  databaseUrl?: string;
  migrateOnStart: boolean;
  dbPoolSize: number;
}

export function databaseSlice(v: DatabaseVariables): DatabaseSlice {
  return { databaseUrl: v.DATABASE_URL, migrateOnStart: v.DB_MIGRATE_ON_START, dbPoolSize: v.DB_POOL_SIZE };
}
