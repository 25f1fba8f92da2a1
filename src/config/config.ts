import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AiSlice, aiProblems, aiSlice, AiVariables } from './ai.config';
import { AppSlice, appSlice, AppVariables } from './app.config';
import { authKeys, AuthSlice, authProblems, authSlice, AuthVariables } from './auth.config';
import { DatabaseSlice, databaseSlice, DatabaseVariables } from './database.config';
import { LimitsSlice, limitsSlice, LimitsVariables } from './limits.config';
import { MailSlice, mailSlice, MailVariables } from './mail.config';
import { MfaSlice, mfaProblems, mfaSlice, MfaVariables } from './mfa.config';
import { ObservabilitySlice, observabilitySlice, ObservabilityVariables } from './observability.config';

export { JWT_ALGORITHMS, SAMPLE_JWT_SECRET, type JwtAlgorithm } from './auth.config';
export { parseRate, type RateLimit, type RateLimitPolicy } from './limits.config';

/**
 * The environment, as the process receives it: every area's names, each validated by its area's class.
 * Every name is in the README's configuration table.
 */
export type EnvironmentVariables = AppVariables &
  DatabaseVariables &
  AuthVariables &
  MailVariables &
  LimitsVariables &
  AiVariables &
  ObservabilityVariables &
  MfaVariables;

/** The validated configuration: one slice per area (`*.config.ts`), provided as APP_CONFIG. */
export interface AppConfig extends AppSlice, DatabaseSlice, AuthSlice, MailSlice, LimitsSlice, AiSlice, ObservabilitySlice, MfaSlice {}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the whole environment at once, area by area. Throws one ConfigError listing every
 * problem of every area, never a secret's value.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const plain = { ...source };
  const problems: string[] = [];
  const read = <T extends object>(variables: new () => T): T => {
    const values = plainToInstance(variables, plain, { excludeExtraneousValues: false });
    for (const error of validateSync(values, { skipMissingProperties: false, forbidUnknownValues: false })) {
      for (const message of Object.values(error.constraints ?? {})) {
        problems.push(message.startsWith(error.property) ? message : `${error.property}: ${message}`);
      }
    }
    return values;
  };

  const app = read(AppVariables);
  const database = read(DatabaseVariables);
  const auth = read(AuthVariables);
  const keys = authKeys(auth);
  problems.push(...authProblems(auth, app.NODE_ENV === 'production'), ...keys.problems);
  const mail = read(MailVariables);
  const limits = read(LimitsVariables);
  const ai = read(AiVariables);
  problems.push(...aiProblems(ai));
  const observability = read(ObservabilityVariables);
  if (observability.METRICS_PORT !== undefined && observability.METRICS_PORT !== 0 && observability.METRICS_PORT === app.PORT) {
    problems.push('METRICS_PORT must differ from PORT');
  }
  const mfa = read(MfaVariables);
  problems.push(...mfaProblems(mfa, app.NODE_ENV === 'production'));
  if (problems.length > 0) throw new ConfigError(problems);

  const appValues = appSlice(app);
  return {
    ...appValues,
    ...databaseSlice(database),
    ...authSlice(auth, keys.keys, appValues.appUrl),
    ...mailSlice(mail),
    ...limitsSlice(limits),
    ...aiSlice(ai),
    ...observabilitySlice(observability),
    ...mfaSlice(mfa),
  };
}
