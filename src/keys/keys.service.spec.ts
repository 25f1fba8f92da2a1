import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { decodeProtectedHeader, decodeJwt, JWTPayload, SignJWT } from 'jose';
import { AppException } from '../common/errors';
import { loadConfig } from '../config/config';
import { KeysService } from './keys.service';
import { generateSigningKey } from './signing-keys';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
const quiet = { warn: () => undefined } as unknown as Logger;
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ sub: 'u', jti: 'j', tv: 0, iat: now(), exp: now() + 60 });

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'medisync-keys-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const service = (env: Record<string, string> = {}) =>
  KeysService.create(loadConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET, APP_URL: 'https://medisync.test', DATA_DIR: dir, ...env }), quiet);

/** The code a rejected verification answers with. */
const codeOf = async (keys: KeysService, token: string) =>
  keys.verify(token).then(
    () => 'accepted',
    (e: unknown) => (e instanceof AppException ? e.code : String(e)),
  );

describe('KeysService', () => {
  describe.each(['EdDSA', 'ES256', 'RS256'] as const)('%s', (algorithm) => {
    const privateKey = generateSigningKey(algorithm);
    const env = { JWT_ALGORITHM: algorithm, JWT_PRIVATE_KEY: pem(privateKey) };

    it('signs with kid, alg and iss, and verifies its own token', async () => {
      const keys = await service(env);
      const token = await keys.sign(claims());
      expect(decodeProtectedHeader(token)).toEqual({ alg: algorithm, kid: keys.kid, typ: 'JWT' });
      expect(decodeJwt(token)).toMatchObject({ iss: 'https://medisync.test', sub: 'u' });
      expect(decodeJwt(token).aud).toBeUndefined();
      await expect(keys.verify(token)).resolves.toMatchObject({ sub: 'u', iss: 'https://medisync.test' });
    });

    it('publishes the public key (never a private member) under the token’s kid', async () => {
      const keys = await service(env);
      const { keys: set } = keys.jwks();
      expect(set).toHaveLength(1);
      expect(set[0]).toMatchObject({ kid: keys.kid, alg: algorithm, use: 'sig' });
      expect(JSON.stringify(set)).not.toMatch(/"(d|p|q|dp|dq|qi|k)"/);
    });
  });

  it('EdDSA: refuses a token signed by another key, with another algorithm, none, or HS256 made with the public key', async () => {
    const privateKey = generateSigningKey('EdDSA');
    const keys = await service({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: pem(privateKey) });
    const header = { alg: 'EdDSA', kid: keys.kid };
    const iss = 'https://medisync.test';
    const forged = await new SignJWT({ ...claims(), iss }).setProtectedHeader(header).sign(generateSigningKey('EdDSA'));
    expect(await codeOf(keys, forged)).toBe('TOKEN_INVALID');
    const publicPem = pem(createPublicKey(privateKey));
    const confused = await new SignJWT({ ...claims(), iss })
      .setProtectedHeader({ alg: 'HS256', kid: keys.kid })
      .sign(new TextEncoder().encode(publicPem));
    expect(await codeOf(keys, confused)).toBe('TOKEN_INVALID');
    const es = await new SignJWT({ ...claims(), iss })
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
      .sign(generateSigningKey('ES256'));
    expect(await codeOf(keys, es)).toBe('TOKEN_INVALID');
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    expect(await codeOf(keys, `${b64({ alg: 'none', kid: keys.kid })}.${b64({ ...claims(), iss })}.`)).toBe('TOKEN_INVALID');
    const unknownKid = await new SignJWT({ ...claims(), iss }).setProtectedHeader({ alg: 'EdDSA', kid: 'nope' }).sign(privateKey);
    expect(await codeOf(keys, unknownKid)).toBe('TOKEN_INVALID');
    const noKid = await new SignJWT({ ...claims(), iss }).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
    expect(await codeOf(keys, noKid)).toBe('TOKEN_INVALID');
    expect(await codeOf(keys, 'not.a.token')).toBe('TOKEN_INVALID');
  });

  it('checks iss, aud when configured, and expiry', async () => {
    const privateKey = generateSigningKey('EdDSA');
    const keys = await service({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: pem(privateKey), JWT_AUDIENCE: 'medisync' });
    const make = (payload: JWTPayload) => new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: keys.kid }).sign(privateKey);
    const iss = 'https://medisync.test';
    expect(decodeJwt(await keys.sign(claims())).aud).toBe('medisync');
    expect(await codeOf(keys, await make({ ...claims(), iss, aud: 'medisync' }))).toBe('accepted');
    expect(await codeOf(keys, await make({ ...claims(), iss: 'https://evil.test', aud: 'medisync' }))).toBe('TOKEN_INVALID');
    expect(await codeOf(keys, await make({ ...claims(), aud: 'medisync' }))).toBe('TOKEN_INVALID');
    expect(await codeOf(keys, await make({ ...claims(), iss, aud: 'other' }))).toBe('TOKEN_INVALID');
    expect(await codeOf(keys, await make({ ...claims(), iss }))).toBe('TOKEN_INVALID');
    expect(await codeOf(keys, await make({ ...claims(), iss, aud: 'medisync', exp: now() - 1 }))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(keys, await make({ sub: 'u', iss, aud: 'medisync' }))).toBe('TOKEN_INVALID');
  });

  it('a verified token expires on time even when it is served from the cache', async () => {
    const keys = await service();
    const token = await keys.sign({ ...claims(), exp: now() + 5 });
    expect(await codeOf(keys, token)).toBe('accepted');
    const spy = jest.spyOn(Date, 'now').mockReturnValue((now() + 5) * 1000);
    try {
      expect(await codeOf(keys, token)).toBe('TOKEN_EXPIRED');
    } finally {
      spy.mockRestore();
    }
  });

  it('rotation: a previous public key still verifies its tokens and is published after the active one', async () => {
    const oldKey = generateSigningKey('ES256');
    const old = await service({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: pem(oldKey) });
    const oldToken = await old.sign(claims());
    const newKey = generateSigningKey('EdDSA');
    const rotated = await service({
      JWT_ALGORITHM: 'EdDSA',
      JWT_PRIVATE_KEY: pem(newKey),
      JWT_PREVIOUS_PUBLIC_KEYS: `${pem(createPublicKey(oldKey))}\n${pem(createPublicKey(newKey))}`,
    });
    expect(await codeOf(rotated, oldToken)).toBe('accepted');
    expect(rotated.jwks().keys.map((k) => [k.kid, k.alg])).toEqual([
      [rotated.kid, 'EdDSA'],
      [old.kid, 'ES256'],
    ]);
    expect(rotated.configuration().token_signing_alg_values_supported).toEqual(['EdDSA', 'ES256']);
    // the old key may sign only with its own algorithm
    const wrongAlg = await new SignJWT({ ...claims(), iss: 'https://medisync.test' })
      .setProtectedHeader({ alg: 'EdDSA', kid: old.kid })
      .sign(newKey);
    expect(await codeOf(rotated, wrongAlg)).toBe('TOKEN_INVALID');
    const removed = await service({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: pem(newKey) });
    expect(await codeOf(removed, oldToken)).toBe('TOKEN_INVALID');
  });

  describe('HS256 (the default)', () => {
    it('gives its tokens a kid too, and publishes no key', async () => {
      const keys = await service();
      const token = await keys.sign(claims());
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: keys.kid, typ: 'JWT' });
      expect(keys.jwks()).toEqual({ keys: [] });
      expect(await codeOf(keys, token)).toBe('accepted');
    });

    it('still accepts a token issued before kid and iss existed, signed with the same secret', async () => {
      const keys = await service();
      const secret = new TextEncoder().encode(SECRET);
      const legacy = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
      expect(await codeOf(keys, legacy)).toBe('accepted');
      const wrongIss = await new SignJWT({ ...claims(), iss: 'https://evil.test' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      expect(await codeOf(keys, wrongIss)).toBe('TOKEN_INVALID');
      const otherSecret = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(`${SECRET}x`));
      expect(await codeOf(keys, otherSecret)).toBe('TOKEN_INVALID');
      const hs512 = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS512' }).sign(secret);
      expect(await codeOf(keys, hs512)).toBe('TOKEN_INVALID');
    });
  });

  it('without JWT_PRIVATE_KEY outside production, signs with the development key in DATA_DIR, the same after a restart', async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
    const config = loadConfig({
      NODE_ENV: 'development',
      APP_URL: 'https://medisync.test',
      DATA_DIR: join(dir, 'dev'),
      JWT_ALGORITHM: 'EdDSA',
    });
    const first = await KeysService.create(config, logger);
    const second = await KeysService.create(config, logger);
    expect(second.kid).toBe(first.kid);
    expect(await codeOf(second, await first.sign(claims()))).toBe('accepted');
    expect(warnings[0]).toMatch(/made a development signing key in .*jwt-eddsa\.pem/);
    expect(warnings.join('\n')).not.toMatch(/BEGIN|PRIVATE KEY-/);
  });

  it('the metadata document names the issuer, the key set, the audience and where to check revocation', async () => {
    const keys = await service({
      JWT_ALGORITHM: 'EdDSA',
      JWT_PRIVATE_KEY: pem(generateKeyPairSync('ed25519').privateKey),
      JWT_ISSUER: 'urn:medisync',
    });
    expect(keys.configuration()).toEqual({
      issuer: 'urn:medisync',
      jwks_uri: 'https://medisync.test/.well-known/jwks.json',
      audience: null,
      token_signing_alg_values_supported: ['EdDSA'],
      claims_supported: ['iss', 'sub', 'userId', 'role', 'jti', 'tv', 'iat', 'exp'],
      token_validation_endpoint: 'https://medisync.test/api/users/me',
      service_documentation: 'https://medisync.test/docs',
    });
  });
});
