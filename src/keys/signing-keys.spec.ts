import { createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentSigningKey, generateSigningKey, thumbprintOf, verificationKey } from './signing-keys';

describe('key thumbprints (RFC 7638)', () => {
  it('gives the RFC 7638 example RSA key its published thumbprint', async () => {
    const key = createPublicKey({
      format: 'jwk',
      key: {
        kty: 'RSA',
        n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
        e: 'AQAB',
      },
    });
    expect(await thumbprintOf(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('gives the RFC 8037 example Ed25519 key its published thumbprint, from the private or the public key', async () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    const privateKey = createPrivateKey({ format: 'jwk', key: { ...jwk, d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' } });
    expect(await thumbprintOf(createPublicKey({ format: 'jwk', key: jwk }))).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect(await thumbprintOf(privateKey)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('thumbprints the HS256 secret too (the contract gives every token a kid), one value per secret', async () => {
    const a = await thumbprintOf(createSecretKey(Buffer.from('a'.repeat(32))));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await thumbprintOf(createSecretKey(Buffer.from('a'.repeat(32))))).toBe(a);
    expect(await thumbprintOf(createSecretKey(Buffer.from('b'.repeat(32))))).not.toBe(a);
  });
});

describe('verificationKey', () => {
  it.each([
    ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }, ['crv', 'x']],
    ['ES256', { kty: 'EC', crv: 'P-256' }, ['crv', 'x', 'y']],
    ['RS256', { kty: 'RSA' }, ['n', 'e']],
  ] as const)('publishes only the public members of a %s key, with its kid, alg and use', async (algorithm, expected, members) => {
    const privateKey = generateSigningKey(algorithm);
    const key = await verificationKey(privateKey, algorithm);
    expect(key.key.type).toBe('public');
    expect(key.jwk).toMatchObject({ ...expected, kid: key.kid, alg: algorithm, use: 'sig' });
    expect(Object.keys(key.jwk!).sort()).toEqual(['kty', ...members, 'kid', 'alg', 'use'].sort());
    expect(key.kid).toBe(await thumbprintOf(createPublicKey(privateKey)));
  });

  it('publishes nothing for the HS256 secret', async () => {
    const key = await verificationKey(createSecretKey(Buffer.from('s'.repeat(40))), 'HS256');
    expect(key.jwk).toBeUndefined();
  });
});

describe('developmentSigningKey', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'medisync-devkey-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the key once, readable by its owner only, and reuses it at the next start', () => {
    const first = developmentSigningKey(join(dir, 'data'), 'EdDSA');
    expect(first).toMatchObject({ created: true, file: join(dir, 'data', 'jwt-eddsa.pem') });
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const second = developmentSigningKey(join(dir, 'data'), 'EdDSA');
    expect(second.created).toBe(false);
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('keeps one file per algorithm', () => {
    developmentSigningKey(dir, 'EdDSA');
    const es = developmentSigningKey(dir, 'ES256');
    expect(es.created).toBe(true);
    expect(es.key.asymmetricKeyType).toBe('ec');
  });
});
