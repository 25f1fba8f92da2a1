import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { AiVariables } from './ai.config';
import { AppVariables } from './app.config';
import { AuthVariables } from './auth.config';
import { ConfigError, loadConfig, SAMPLE_JWT_SECRET } from './config';
import { DatabaseVariables } from './database.config';
import { loadDotEnv } from './dotenv';
import { LimitsVariables } from './limits.config';
import { MailVariables } from './mail.config';
import { MfaVariables } from './mfa.config';
import { ObservabilityVariables } from './observability.config';

const ROOT = join(__dirname, '..', '..');
const AREAS = [
  AppVariables,
  DatabaseVariables,
  AuthVariables,
  MailVariables,
  LimitsVariables,
  AiVariables,
  ObservabilityVariables,
  MfaVariables,
];

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      port: 3000,
      dataDir: './data',
      migrateOnStart: true,
      databaseUrl: undefined,
      appUrl: 'http://localhost:3000',
      bodyLimit: 102400,
      demoMode: false,
      jwtSecretGenerated: true,
    });
    expect(Buffer.byteLength(c.jwtSecret)).toBeGreaterThanOrEqual(32);
  });

  it('parses booleans, numbers and lists strictly', () => {
    const c = loadConfig({
      PORT: '8080',
      DB_MIGRATE_ON_START: 'false',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      APP_URL: 'https://api.example/',
    });
    expect(c).toMatchObject({
      port: 8080,
      migrateOnStart: false,
      corsOrigins: ['https://a.example', 'https://b.example'],
      appUrl: 'https://api.example',
    });
  });

  it('lists every bad value in one error, without echoing secrets', () => {
    const found = problems({
      PORT: 'eighty',
      DB_MIGRATE_ON_START: 'maybe',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      SMTP_URL: 'http://mail',
      NODE_ENV: 'production',
      JWT_SECRET: 'short-secret-value',
    });
    expect(found.join('\n')).toMatch(/PORT/);
    expect(found.join('\n')).toMatch(/DB_MIGRATE_ON_START/);
    expect(found.join('\n')).toMatch(/DATABASE_URL/);
    expect(found.join('\n')).toMatch(/LOG_LEVEL/);
    expect(found.join('\n')).toMatch(/SMTP_URL/);
    expect(found.join('\n')).toMatch(/JWT_SECRET must be at least 32 bytes/);
    expect(found.join('\n')).not.toContain('short-secret-value');
    expect(found.length).toBeGreaterThanOrEqual(6);
  });

  it('lists the problems of different areas in the one message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', AI_TIMEOUT_MS: '50' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'Invalid configuration:\n  - PORT must not be greater than 65535\n  - AI_TIMEOUT_MS must not be less than 100',
    );
  });

  it('validates each name in exactly one area, and every name is in the README table', () => {
    const names = AREAS.map((area) => [
      ...new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(area, '', true, false)
          .map((m) => m.propertyName),
      ),
    ]);
    const all = names.flat();
    expect(all.length).toBe(new Set(all).size);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Configuration');
    const table = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const documented = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((row) => [...row[1].matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]));
    expect([...all].sort()).toEqual([...documented].sort());
  });

  it('production refuses a missing, short or sample JWT_SECRET and DEMO_MODE', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET is required when NODE_ENV=production']);
    expect(problems({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toEqual([
      'JWT_SECRET must be at least 32 bytes when NODE_ENV=production',
    ]);
    expect(problems({ NODE_ENV: 'production', JWT_SECRET: SAMPLE_JWT_SECRET })[0]).toMatch(/sample value/);
    expect(problems({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40), DEMO_MODE: 'true' })).toEqual([
      'DEMO_MODE=true is refused when NODE_ENV=production',
    ]);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40) }).jwtSecretGenerated).toBe(false);
  });

  it('MFA: issuer, required roles, and 32-byte base64 data-encryption keys (never echoed); production with required roles needs a key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const previous = Buffer.alloc(32, 9).toString('base64url');
    const config = loadConfig({
      MFA_REQUIRED_ROLES: ' admin, doctor,admin ',
      DATA_ENCRYPTION_KEY: key,
      DATA_ENCRYPTION_KEY_PREVIOUS: previous,
    });
    expect(config.mfa).toMatchObject({ issuer: 'MediSync', requiredRoles: ['admin', 'doctor'] });
    expect(config.mfa.encryptionKey?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(config.mfa.previousEncryptionKeys.map((k) => k.equals(Buffer.alloc(32, 9)))).toEqual([true]);
    expect(loadConfig({}).mfa).toEqual({ issuer: 'MediSync', requiredRoles: [], encryptionKey: undefined, previousEncryptionKeys: [] });
    const short = Buffer.alloc(16, 1).toString('base64');
    const found = problems({ MFA_REQUIRED_ROLES: 'admin,root', DATA_ENCRYPTION_KEY: short, DATA_ENCRYPTION_KEY_PREVIOUS: `${key},nope` });
    expect(found).toEqual([
      'MFA_REQUIRED_ROLES: unknown role "root" (use doctor, patient, admin)',
      'DATA_ENCRYPTION_KEY must be 32 bytes in base64 (e.g. openssl rand -base64 32)',
      'DATA_ENCRYPTION_KEY_PREVIOUS must be a comma-separated list of 32-byte base64 keys',
    ]);
    expect(found.join('\n')).not.toContain(short);
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40) };
    expect(problems({ ...prod, MFA_REQUIRED_ROLES: 'admin' })).toEqual([
      'DATA_ENCRYPTION_KEY is required when NODE_ENV=production and MFA_REQUIRED_ROLES is set',
    ]);
    expect(problems({ ...prod, MFA_REQUIRED_ROLES: 'admin', DATA_ENCRYPTION_KEY: key })).toEqual([]);
  });

  describe('token signing keys', () => {
    const pem = (kind: 'ed25519' | 'p256' | 'p384' | 'rsa1024', part: 'privateKey' | 'publicKey' = 'privateKey') => {
      const pair =
        kind === 'ed25519'
          ? generateKeyPairSync('ed25519')
          : kind === 'rsa1024'
            ? generateKeyPairSync('rsa', { modulusLength: 1024 })
            : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'prime256v1' : 'secp384r1' });
      return pair[part].export({ type: part === 'privateKey' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
    };

    it('defaults to HS256 with the issuer APP_URL and no audience', () => {
      expect(loadConfig({ APP_URL: 'https://api.example/' }).jwt).toEqual({
        algorithm: 'HS256',
        privateKey: undefined,
        previousKeys: [],
        issuer: 'https://api.example',
        audience: undefined,
      });
      expect(loadConfig({ JWT_ISSUER: 'medisync', JWT_AUDIENCE: 'hospital' }).jwt).toMatchObject({
        issuer: 'medisync',
        audience: 'hospital',
      });
    });

    it('parses the private key once, for its algorithm, also with its line breaks written as \\n', () => {
      const key = pem('ed25519');
      const c = loadConfig({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: key.replace(/\n/g, '\\n') });
      expect(c.jwt.privateKey?.asymmetricKeyType).toBe('ed25519');
      expect(c.jwt.privateKey?.type).toBe('private');
    });

    it('reads the keys from files, and several previous public keys from one value', () => {
      const dir = mkdtempSync(join(tmpdir(), 'medisync-keys-'));
      try {
        writeFileSync(join(dir, 'key.pem'), pem('p256'));
        writeFileSync(join(dir, 'previous.pem'), `${pem('ed25519', 'publicKey')}\n${pem('p256', 'publicKey')}`);
        const c = loadConfig({
          JWT_ALGORITHM: 'ES256',
          JWT_PRIVATE_KEY_FILE: join(dir, 'key.pem'),
          JWT_PREVIOUS_PUBLIC_KEYS_FILE: join(dir, 'previous.pem'),
        });
        expect(c.jwt.privateKey?.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
        expect(c.jwt.previousKeys.map((k) => k.algorithm)).toEqual(['EdDSA', 'ES256']);
        expect(c.jwt.previousKeys.every((k) => k.key.type === 'public')).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('production refuses an asymmetric algorithm without a key, and then needs no JWT_SECRET', () => {
      expect(problems({ NODE_ENV: 'production', JWT_ALGORITHM: 'EdDSA' })).toEqual([
        'JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE is required when JWT_ALGORITHM=EdDSA and NODE_ENV=production (the development key is never used there)',
      ]);
      expect(problems({ NODE_ENV: 'production', JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: pem('ed25519') })).toEqual([
        'JWT_PRIVATE_KEY must be an RSA key of at least 2048 bits for JWT_ALGORITHM=RS256',
      ]);
      expect(loadConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: pem('ed25519') }).jwt.algorithm).toBe('EdDSA');
    });

    it('lists every key problem in the one message, never a key', () => {
      const secretKey = pem('ed25519');
      const found = problems({
        JWT_ALGORITHM: 'ES256',
        JWT_PRIVATE_KEY: pem('p384'),
        JWT_PREVIOUS_PUBLIC_KEYS: `${secretKey}\n${pem('rsa1024', 'publicKey')}\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----`,
        JWT_PREVIOUS_PUBLIC_KEYS_FILE: '/nonexistent/previous.pem',
      });
      expect(found).toEqual([
        'JWT_PRIVATE_KEY must be an EC key on the P-256 curve for JWT_ALGORITHM=ES256',
        'Set only one of JWT_PREVIOUS_PUBLIC_KEYS and JWT_PREVIOUS_PUBLIC_KEYS_FILE',
      ]);
      expect(
        problems({
          JWT_ALGORITHM: 'ES256',
          JWT_PRIVATE_KEY: 'not a key',
          JWT_PREVIOUS_PUBLIC_KEYS: `${secretKey}\n${pem('rsa1024', 'publicKey')}\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----`,
        }),
      ).toEqual([
        'JWT_PRIVATE_KEY is not an unencrypted PEM private key (e.g. from openssl genpkey)',
        'JWT_PREVIOUS_PUBLIC_KEYS key 1 is a private key; give only its public key (openssl pkey -pubout)',
        'JWT_PREVIOUS_PUBLIC_KEYS key 2 must be an Ed25519, P-256 or RSA (>= 2048 bits) public key',
        'JWT_PREVIOUS_PUBLIC_KEYS key 3 is not a PEM public key',
      ]);
      const message = (() => {
        try {
          loadConfig({
            JWT_ALGORITHM: 'EdDSA',
            JWT_PRIVATE_KEY_FILE: '/nonexistent/key.pem',
            JWT_PREVIOUS_PUBLIC_KEYS: secretKey,
            PORT: 'x',
          });
        } catch (error) {
          return (error as Error).message;
        }
        return '';
      })();
      expect(message).toContain('PORT');
      expect(message).toContain('JWT_PRIVATE_KEY_FILE: cannot read /nonexistent/key.pem (ENOENT)');
      expect(message).not.toContain(secretKey.split('\n')[1]);
    });

    it('refuses keys that HS256 would not use, and an unknown algorithm', () => {
      expect(problems({ JWT_PRIVATE_KEY: pem('ed25519') })[0]).toMatch(/JWT_PRIVATE_KEY is set but JWT_ALGORITHM=HS256/);
      expect(problems({ JWT_PREVIOUS_PUBLIC_KEYS: pem('ed25519', 'publicKey') })[0]).toMatch(
        /JWT_PREVIOUS_PUBLIC_KEYS is set but JWT_ALGORITHM=HS256/,
      );
      expect(problems({ JWT_ALGORITHM: 'none', JWT_PRIVATE_KEY: pem('ed25519') })).toEqual([
        'JWT_ALGORITHM must be one of the following values: HS256, EdDSA, ES256, RS256',
      ]);
      expect(problems({ JWT_ALGORITHM: 'EdDSA', JWT_PREVIOUS_PUBLIC_KEYS: 'nothing here' })).toEqual([
        'JWT_PREVIOUS_PUBLIC_KEYS holds no PEM block (-----BEGIN PUBLIC KEY-----)',
      ]);
    });
  });

  it('needs both bootstrap admin values, and a password that meets the rule', () => {
    expect(problems({ BOOTSTRAP_ADMIN_EMAIL: 'root@example.org' })[0]).toMatch(/must be set together/);
    expect(problems({ BOOTSTRAP_ADMIN_EMAIL: 'root@example.org', BOOTSTRAP_ADMIN_PASSWORD: 'weak' })[0]).toMatch(
      /BOOTSTRAP_ADMIN_PASSWORD must be 8 to 128/,
    );
    expect(loadConfig({ BOOTSTRAP_ADMIN_EMAIL: ' Root@Example.org ', BOOTSTRAP_ADMIN_PASSWORD: 'Adm1n-Passw0rd' }).bootstrapAdmin).toEqual({
      email: 'root@example.org',
      password: 'Adm1n-Passw0rd',
    });
  });
});

describe('loadDotEnv', () => {
  const saved = { ...process.env };
  let dir: string;
  let logged: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'medisync-dotenv-'));
    logged = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));
    process.env.NODE_ENV = 'development';
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('fills unset names and never overrides a set one, even an empty one', () => {
    writeFileSync(join(dir, '.env'), '# a comment\nMEDISYNC_T_UNSET=from-file\nMEDISYNC_T_SET=from-file\nMEDISYNC_T_EMPTY="from-file"\n');
    process.env.MEDISYNC_T_SET = 'real';
    process.env.MEDISYNC_T_EMPTY = '';
    expect(loadDotEnv(dir)).toEqual(['MEDISYNC_T_UNSET']);
    expect(process.env.MEDISYNC_T_UNSET).toBe('from-file');
    expect(process.env.MEDISYNC_T_SET).toBe('real');
    expect(process.env.MEDISYNC_T_EMPTY).toBe('');
  });

  it('logs the file and the names, never a value', () => {
    writeFileSync(join(dir, '.env'), 'MEDISYNC_T_UNSET=secret-value-1\nMEDISYNC_T_SET=secret-value-2\n');
    process.env.MEDISYNC_T_SET = 'real';
    loadDotEnv(dir);
    expect(logged).toEqual([`Loaded ${join(dir, '.env')}: set MEDISYNC_T_UNSET; already set in the environment, kept: MEDISYNC_T_SET`]);
    expect(logged.join('\n')).not.toMatch(/secret-value|real/);
  });

  it('reads nothing under NODE_ENV=test, or without a .env file', () => {
    expect(loadDotEnv(dir)).toEqual([]);
    writeFileSync(join(dir, '.env'), 'MEDISYNC_T_UNSET=from-file\n');
    process.env.NODE_ENV = 'test';
    expect(loadDotEnv(dir)).toEqual([]);
    expect(process.env.MEDISYNC_T_UNSET).toBeUndefined();
    expect(logged).toEqual([]);
  });

  it('.env.example, copied to .env, is a valid configuration', () => {
    copyFileSync(join(ROOT, '.env.example'), join(dir, '.env'));
    const env: NodeJS.ProcessEnv = {};
    expect(loadDotEnv(dir, env)).toContain('JWT_SECRET');
    expect(loadConfig(env)).toMatchObject({ env: 'development', jwtSecret: SAMPLE_JWT_SECRET, jwtSecretGenerated: false });
  });
});
