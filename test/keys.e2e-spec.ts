import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, JWK, jwtVerify, SignJWT } from 'jose';
import { expectEnvelope, PASSWORD, startTestApp, TestContext, verifiedDoctor } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';

const AUDIENCE = 'medisync-e2e';
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
const newKey = (algorithm: 'EdDSA' | 'ES256' | 'RS256') =>
  algorithm === 'EdDSA'
    ? generateKeyPairSync('ed25519').privateKey
    : algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
      : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/**
 * Another service of the hospital that trusts our tokens: it knows only our key set URL, issuer, audience
 * and algorithms (from our metadata document), and checks signatures, nothing else.
 */
async function startResourceServer(jwksUrl: string, meta: { issuer: string; audience: string | null; algorithms: string[] }) {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  const server: Server = createServer((req, res) => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    jwtVerify(token, jwks, { issuer: meta.issuer, audience: meta.audience ?? undefined, algorithms: meta.algorithms }).then(
      ({ payload }) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ doctor: payload.sub })),
      (error: Error) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.name })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    /** The resource server's status for this token, and the doctor it then acts for. */
    call: async (token: string) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as { doctor?: string; error?: string } };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The metadata document, as a resource server discovers it. */
async function discover(ctx: TestContext) {
  const res = await ctx.http.get('/.well-known/medisync-configuration').expect(200);
  const doc = res.body as { issuer: string; audience: string | null; token_signing_alg_values_supported: string[] };
  return { issuer: doc.issuer, audience: doc.audience, algorithms: doc.token_signing_alg_values_supported };
}

const jwksUrl = async (ctx: TestContext) => `${await ctx.app.getUrl()}/.well-known/jwks.json`;

/** All suites share one database, as instances of one deployment do; each app is one instance (or one start). */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe.each([
  ['EdDSA', 'JWT_PRIVATE_KEY'],
  ['ES256', 'the development key in DATA_DIR'],
  ['RS256', 'JWT_PRIVATE_KEY_FILE'],
] as const)('%s tokens, verified by another service (key from %s)', (algorithm, source) => {
  let ctx: TestContext;
  let resource: Awaited<ReturnType<typeof startResourceServer>>;
  let privateKey: KeyObject;
  let doctor: { uid: string; token: string };
  let claims: Record<string, unknown>;
  let kid: string;
  const keyDir = mkdtempSync(join(tmpdir(), 'medisync-e2e-keys-'));

  beforeAll(async () => {
    const env: Record<string, string> = { JWT_ALGORITHM: algorithm, JWT_AUDIENCE: AUDIENCE };
    if (source === 'JWT_PRIVATE_KEY') {
      privateKey = newKey(algorithm);
      env.JWT_PRIVATE_KEY = pem(privateKey);
    } else if (source === 'JWT_PRIVATE_KEY_FILE') {
      privateKey = newKey(algorithm);
      const file = join(keyDir, 'private.pem');
      writeFileSync(file, pem(privateKey), { mode: 0o600 });
      env.JWT_PRIVATE_KEY_FILE = file;
    }
    ctx = await startTestApp(env, [], db);
    if (source === 'the development key in DATA_DIR') {
      privateKey = createPrivateKey(readFileSync(join(ctx.dataDir, `jwt-${algorithm.toLowerCase()}.pem`), 'utf8'));
    }
    doctor = await verifiedDoctor(ctx);
    claims = decodeJwt(doctor.token);
    kid = decodeProtectedHeader(doctor.token).kid!;
    resource = await startResourceServer(await jwksUrl(ctx), await discover(ctx));
  });
  afterAll(async () => {
    await resource?.close();
    await ctx?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const me = (token: string) => ctx.http.get('/api/users/me').set('Authorization', `Bearer ${token}`);
  const signed = (payload: object, key: KeyObject = privateKey, header: object = {}) =>
    new SignJWT({ ...payload }).setProtectedHeader({ alg: algorithm, kid, ...header }).sign(key);

  it('our token names its key, issuer and audience, and keeps every claim', () => {
    expect(decodeProtectedHeader(doctor.token)).toEqual({ alg: algorithm, kid, typ: 'JWT' });
    expect(Object.keys(claims).sort()).toEqual(['amr', 'aud', 'exp', 'iat', 'iss', 'jti', 'role', 'sid', 'sub', 'tv', 'userId']);
    expect(claims).toMatchObject({
      iss: 'http://medisync.test',
      aud: AUDIENCE,
      sub: doctor.uid,
      userId: doctor.uid,
      role: 'doctor',
      amr: ['pwd'],
    });
  });

  it('the key set publishes the public key under that kid, and nothing private', async () => {
    const res = await ctx.http.get('/.well-known/jwks.json').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const keys = res.body.keys as JWK[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kid, alg: algorithm, use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
    expect(createPublicKey({ key: keys[0], format: 'jwk' }).equals(createPublicKey(privateKey))).toBe(true);
  });

  it('the resource server accepts our token, and so does our API', async () => {
    expect(await resource.call(doctor.token)).toEqual({ status: 200, body: { doctor: doctor.uid } });
    await me(doctor.token).expect(200);
  });

  it.each([
    ['signed by another key under our kid', () => signed(claims, newKey(algorithm))],
    ['with another issuer', () => signed({ ...claims, iss: 'https://evil.example' })],
    ['with another audience', () => signed({ ...claims, aud: 'another-service' })],
    ['without an audience', () => signed({ ...claims, aud: undefined })],
    [
      'HS256 with our public key (PEM) as the HMAC secret',
      () => {
        const head = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(claims)}`;
        return `${head}.${createHmac('sha256', pem(createPublicKey(privateKey)))
          .update(head)
          .digest('base64url')}`;
      },
    ],
    [
      'HS256 with our public key (DER) as the HMAC secret',
      () => {
        const head = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(claims)}`;
        const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
        return `${head}.${createHmac('sha256', der).update(head).digest('base64url')}`;
      },
    ],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims)}.`],
    ['a tampered payload', () => `${doctor.token.split('.')[0]}.${b64({ ...claims, role: 'admin' })}.${doctor.token.split('.')[2]}`],
  ])('both refuse a token %s (our API: 401 TOKEN_INVALID)', async (_name, make) => {
    const token = await make();
    expect((await resource.call(token)).status).toBe(401);
    const res = await me(token).expect(401);
    expectEnvelope(res.body, 401, 'TOKEN_INVALID', 'Invalid token');
  });
});

describe('EdDSA: what a signature check alone cannot know', () => {
  let ctx: TestContext;
  let resource: Awaited<ReturnType<typeof startResourceServer>>;
  beforeAll(async () => {
    ctx = await startTestApp({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: pem(newKey('EdDSA')) }, [], db);
    resource = await startResourceServer(await jwksUrl(ctx), await discover(ctx));
  });
  afterAll(async () => {
    await resource?.close();
    await ctx?.close();
  });

  it('the metadata document tells the issuer, key set, audience and where to check revocation', async () => {
    const res = await ctx.http.get('/.well-known/medisync-configuration').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toEqual({
      issuer: 'http://medisync.test',
      jwks_uri: 'http://medisync.test/.well-known/jwks.json',
      audience: null,
      token_signing_alg_values_supported: ['EdDSA'],
      claims_supported: ['iss', 'sub', 'userId', 'role', 'jti', 'tv', 'iat', 'exp'],
      token_validation_endpoint: 'http://medisync.test/api/users/me',
      service_documentation: 'http://medisync.test/docs',
    });
  });

  it('the well-known documents are outside /api', async () => {
    await ctx.http.get('/api/.well-known/jwks.json').expect(404);
    await ctx.http.get('/api/.well-known/medisync-configuration').expect(404);
  });

  it('after logout our API refuses the token, while a resource server that checks only the signature accepts it until it expires', async () => {
    const doctor = await verifiedDoctor(ctx);
    await ctx.http.post('/api/logout').set('Authorization', `Bearer ${doctor.token}`).expect(200);
    const res = await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(401);
    expectEnvelope(res.body, 401, 'TOKEN_REVOKED', 'Token has been revoked');
    // what docs/federation.md tells a resource server to do when revocation matters: ask us
    expect((await resource.call(doctor.token)).status).toBe(200);
  });
});

describe('HS256 (the default)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp({}, [], db);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('publishes an empty key set; its tokens carry a kid and iss all the same', async () => {
    const res = await ctx.http.get('/.well-known/jwks.json').expect(200);
    expect(res.body).toEqual({ keys: [] });
    const doctor = await verifiedDoctor(ctx);
    expect(decodeProtectedHeader(doctor.token)).toMatchObject({ alg: 'HS256', kid: expect.stringMatching(/^[\w-]{43}$/) });
    expect(decodeJwt(doctor.token)).toMatchObject({ iss: 'http://medisync.test' });
    expect(decodeJwt(doctor.token).aud).toBeUndefined();
    expect((await ctx.http.get('/.well-known/medisync-configuration').expect(200)).body.token_signing_alg_values_supported).toEqual([
      'HS256',
    ]);
  });
});

describe('key rotation without signing anyone out', () => {
  const oldKey = newKey('EdDSA');
  const nextKey = newKey('EdDSA');
  let oldToken: string;
  let uid: string;
  let email: string;

  /** One start of the service on the shared database, with a resource server on its key set. */
  async function start(env: Record<string, string>) {
    const ctx = await startTestApp({ JWT_ALGORITHM: 'EdDSA', ...env }, [], db);
    return { ctx, resource: await startResourceServer(await jwksUrl(ctx), await discover(ctx)) };
  }
  const me = (ctx: TestContext, token: string) => ctx.http.get('/api/users/me').set('Authorization', `Bearer ${token}`);
  const kids = async (ctx: TestContext) =>
    ((await ctx.http.get('/.well-known/jwks.json').expect(200)).body.keys as JWK[]).map((k) => k.kid);

  it('tokens of the old key verify after the switch while it is a previous key, and stop when it is removed', async () => {
    const before = await start({ JWT_PRIVATE_KEY: pem(oldKey) });
    try {
      ({ token: oldToken, uid, email } = await verifiedDoctor(before.ctx));
    } finally {
      await before.resource.close();
      await before.ctx.close();
    }
    const oldKid = decodeProtectedHeader(oldToken).kid;

    // restart with the new key, the old one's public key still listed
    const during = await start({ JWT_PRIVATE_KEY: pem(nextKey), JWT_PREVIOUS_PUBLIC_KEYS: pem(createPublicKey(oldKey)) });
    let newToken: string;
    try {
      expect((await me(during.ctx, oldToken).expect(200)).body.user.id).toBe(uid);
      expect(await during.resource.call(oldToken)).toEqual({ status: 200, body: { doctor: uid } });
      const login = await during.ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(200);
      newToken = login.body.token as string;
      const newKid = decodeProtectedHeader(newToken).kid;
      expect(newKid).not.toBe(oldKid);
      expect(await kids(during.ctx)).toEqual([newKid, oldKid]);
      expect((await during.resource.call(newToken)).status).toBe(200);
    } finally {
      await during.resource.close();
      await during.ctx.close();
    }

    // restart once more without the old key: its tokens stop verifying, here and at resource servers
    const after = await start({ JWT_PRIVATE_KEY: pem(nextKey) });
    try {
      expectEnvelope((await me(after.ctx, oldToken).expect(401)).body, 401, 'TOKEN_INVALID', 'Invalid token');
      expect((await after.resource.call(oldToken)).status).toBe(401);
      await me(after.ctx, newToken).expect(200);
      expect((await after.resource.call(newToken)).status).toBe(200);
      expect(await kids(after.ctx)).toEqual([decodeProtectedHeader(newToken).kid]);
    } finally {
      await after.resource.close();
      await after.ctx.close();
    }
  });
});
