import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { emptyToUndefined } from './env-values';

/** The account roles (users/user.entity.ts ROLES; configuration imports no feature module). */
const ROLE_NAMES = ['doctor', 'patient', 'admin'] as const;
type RoleName = (typeof ROLE_NAMES)[number];

/** Multi-factor sign-in: the authenticator app's issuer name, the roles that must use it, the key that encrypts its secrets. */
export class MfaVariables {
  /** The issuer an authenticator app shows next to the account. */
  @Transform(emptyToUndefined)
  @IsString()
  @MaxLength(64)
  MFA_ISSUER = 'MediSync';

  /** Comma-separated roles that must sign in with a second factor, e.g. `admin` or `admin,doctor`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MFA_REQUIRED_ROLES?: string;

  /** 32 bytes, base64: encrypts TOTP secrets at rest (AES-256-GCM). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATA_ENCRYPTION_KEY?: string;

  /** Comma-separated earlier keys (32 bytes, base64 each): still read during a rotation, and re-encrypted under the current key. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATA_ENCRYPTION_KEY_PREVIOUS?: string;
}

export interface MfaSlice {
  mfa: {
    issuer: string;
    /** Roles whose accounts must use a second factor. */
    requiredRoles: RoleName[];
    /** The current data-encryption key; unset: the development key in DATA_DIR (never in production, see MfaService). */
    encryptionKey?: Buffer;
    /** Earlier keys, read only. */
    previousEncryptionKeys: Buffer[];
  };
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A 32-byte key in standard or url-safe base64; undefined when it is not one. */
export function parseEncryptionKey(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value.trim())) return undefined;
  const key = Buffer.from(value.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : undefined;
}

/** Never a key's value in a message. */
export function mfaProblems(v: MfaVariables, production: boolean): string[] {
  const problems: string[] = [];
  for (const role of list(v.MFA_REQUIRED_ROLES)) {
    if (!(ROLE_NAMES as readonly string[]).includes(role))
      problems.push(`MFA_REQUIRED_ROLES: unknown role "${role}" (use ${ROLE_NAMES.join(', ')})`);
  }
  if (v.DATA_ENCRYPTION_KEY !== undefined && !parseEncryptionKey(v.DATA_ENCRYPTION_KEY)) {
    problems.push('DATA_ENCRYPTION_KEY must be 32 bytes in base64 (e.g. openssl rand -base64 32)');
  }
  if (list(v.DATA_ENCRYPTION_KEY_PREVIOUS).some((k) => !parseEncryptionKey(k))) {
    problems.push('DATA_ENCRYPTION_KEY_PREVIOUS must be a comma-separated list of 32-byte base64 keys');
  }
  if (production && !v.DATA_ENCRYPTION_KEY && list(v.MFA_REQUIRED_ROLES).length > 0) {
    problems.push('DATA_ENCRYPTION_KEY is required when NODE_ENV=production and MFA_REQUIRED_ROLES is set');
  }
  return problems;
}

export function mfaSlice(v: MfaVariables): MfaSlice {
  return {
    mfa: {
      issuer: v.MFA_ISSUER,
      requiredRoles: [...new Set(list(v.MFA_REQUIRED_ROLES))] as RoleName[],
      encryptionKey: v.DATA_ENCRYPTION_KEY ? parseEncryptionKey(v.DATA_ENCRYPTION_KEY) : undefined,
      previousEncryptionKeys: list(v.DATA_ENCRYPTION_KEY_PREVIOUS).map((k) => parseEncryptionKey(k)!),
    },
  };
}
