import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { emptyToUndefined, toInt } from './env-values';

export class ObservabilityVariables {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  /** When set, GET /metrics is served on this port (a listener of its own) and not on PORT. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;
}

export interface ObservabilitySlice {
  logLevel: string;
  metricsToken?: string;
  /** Unset: /metrics is on the API port. */
  metricsPort?: number;
}

export function observabilitySlice(v: ObservabilityVariables): ObservabilitySlice {
  return { logLevel: v.LOG_LEVEL, metricsToken: v.METRICS_TOKEN, metricsPort: v.METRICS_PORT };
}
