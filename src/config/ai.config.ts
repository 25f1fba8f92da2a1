import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { emptyToUndefined, toInt } from './env-values';

export class AiVariables {
  @IsIn(['rules', 'openai'])
  AI_PROVIDER: 'rules' | 'openai' = 'rules';

  /** OpenAI-compatible base URL, e.g. https://llm.hospital.internal/v1 (required with AI_PROVIDER=openai). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  AI_BASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  AI_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsString()
  AI_MODEL = 'gpt-4o-mini';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  AI_TIMEOUT_MS = 15_000;
}

export interface AiSlice {
  ai: { provider: 'rules' | 'openai'; baseUrl?: string; apiKey?: string; model: string; timeoutMs: number };
}

export function aiProblems(v: AiVariables): string[] {
  return v.AI_PROVIDER === 'openai' && !v.AI_BASE_URL ? ['AI_BASE_URL is required when AI_PROVIDER=openai'] : [];
}

export function aiSlice(v: AiVariables): AiSlice {
  return { ai: { provider: v.AI_PROVIDER, baseUrl: v.AI_BASE_URL, apiKey: v.AI_API_KEY, model: v.AI_MODEL, timeoutMs: v.AI_TIMEOUT_MS } };
}
