import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { AsymmetricJwtAlgorithm, JwtAlgorithm, jwtAlgorithmOf } from '../config/jwt-keys';

/** A public key as the key set publishes it (RFC 7517): never a private or secret member. */
export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  kid: string;
  alg: JwtAlgorithm;
  use: 'sig';
}

/** A key that verifies tokens: the one algorithm it takes, and its published form (none for the HS256 secret). */
export interface VerificationKey {
  kid: string;
  algorithm: JwtAlgorithm;
  key: KeyObject;
  jwk?: PublicJwk;
}

/** The RFC 7638 thumbprint (SHA-256, base64url) of a key's public part, or of the secret for HS256: our `kid`. */
export async function thumbprintOf(key: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(key.type === 'private' ? createPublicKey(key) : key), 'sha256');
}

/** A public key (or the HS256 secret) ready to verify: its kid and, for a public key, its JWK. */
export async function verificationKey(key: KeyObject, algorithm: JwtAlgorithm): Promise<VerificationKey> {
  const kid = await thumbprintOf(key);
  if (key.type === 'secret') return { kid, algorithm, key };
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const { kty, crv, x, y, n, e } = await exportJWK(publicKey);
  if (!kty) throw new Error('a public key without kty');
  const jwk: PublicJwk = {
    kty,
    ...(crv && { crv }),
    ...(x && { x }),
    ...(y && { y }),
    ...(n && { n }),
    ...(e && { e }),
    kid,
    alg: algorithm,
    use: 'sig',
  };
  return { kid, algorithm, key: publicKey, jwk };
}

/** A new private key for the algorithm. */
export function generateSigningKey(algorithm: AsymmetricJwtAlgorithm): KeyObject {
  switch (algorithm) {
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
}

/**
 * The development signing key: `DATA_DIR/jwt-<algorithm>.pem`, made (readable by the owner only) the first
 * time, then reused so that tokens survive a restart. Configuration refuses production without a real key,
 * so this never runs there.
 */
export function developmentSigningKey(
  dataDir: string,
  algorithm: AsymmetricJwtAlgorithm,
): { key: KeyObject; file: string; created: boolean } {
  const file = join(dataDir, `jwt-${algorithm.toLowerCase()}.pem`);
  if (existsSync(file)) {
    const key = createPrivateKey(readFileSync(file, 'utf8'));
    if (jwtAlgorithmOf(key) !== algorithm) throw new Error(`${file} does not hold a key for ${algorithm}; remove it to make a new one`);
    return { key, file, created: false };
  }
  const key = generateSigningKey(algorithm);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return { key, file, created: true };
}
