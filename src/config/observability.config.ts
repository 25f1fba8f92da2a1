import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { emptyToUndefined } from './env-values';

export class ObservabilityVariables {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;
}

export interface ObservabilitySlice {
  logLevel: string;
  metricsToken?: string;
}

export function observabilitySlice(v: ObservabilityVariables): ObservabilitySlice {
  return { logLevel: v.LOG_LEVEL, metricsToken: v.METRICS_TOKEN };
}
