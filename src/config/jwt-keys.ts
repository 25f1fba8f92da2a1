import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The token algorithms we sign with; each asymmetric one takes exactly one kind of key. */
export const JWT_ALGORITHMS = ['HS256', 'EdDSA', 'ES256', 'RS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
export type AsymmetricJwtAlgorithm = Exclude<JwtAlgorithm, 'HS256'>;

const KEY_KINDS: Record<AsymmetricJwtAlgorithm, string> = {
  EdDSA: 'an Ed25519 key',
  ES256: 'an EC key on the P-256 curve',
  RS256: 'an RSA key of at least 2048 bits',
};

/**
 * The one algorithm a key verifies (or signs) with, from its type alone: Ed25519 → EdDSA, P-256 → ES256,
 * RSA of at least 2048 bits → RS256; anything else (Ed448, other curves, short RSA, secrets) → null.
 * Binding each key to one algorithm is what keeps the allow-list exact.
 */
export function jwtAlgorithmOf(key: KeyObject): AsymmetricJwtAlgorithm | null {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'EdDSA';
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ES256' : null;
    case 'rsa':
      return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? 'RS256' : null;
    default:
      return null;
  }
}

export interface JwtKeys {
  /** Given by JWT_PRIVATE_KEY(_FILE), checked against JWT_ALGORITHM. */
  privateKey?: KeyObject;
  /** From JWT_PREVIOUS_PUBLIC_KEYS(_FILE): public keys only, each with its one algorithm. */
  previousKeys: Array<{ key: KeyObject; algorithm: AsymmetricJwtAlgorithm }>;
}

interface Sources {
  privateKey?: string;
  privateKeyFile?: string;
  previousKeys?: string;
  previousKeysFile?: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** A PEM put in one line of an environment file often has its line breaks written as `\n`. */
const unescape = (pem: string) => pem.replace(/\\n/g, '\n').trim();

/**
 * Reads and parses the key settings once, at configuration time, so that a bad key stops the process
 * in the one configuration message. Never throws; a problem names the setting and never a key's bytes.
 */
export function readJwtKeys(algorithm: JwtAlgorithm, sources: Sources): { problems: string[]; keys: JwtKeys } {
  const problems: string[] = [];
  const keys: JwtKeys = { previousKeys: [] };

  const text = (name: string, inline: string | undefined, file: string | undefined): string | undefined => {
    if (inline && file) {
      problems.push(`Set only one of ${name} and ${name}_FILE`);
      return undefined;
    }
    if (file) {
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        return undefined;
      }
    }
    return inline;
  };

  const privatePem = text('JWT_PRIVATE_KEY', sources.privateKey, sources.privateKeyFile);
  if (privatePem !== undefined) {
    if (algorithm === 'HS256') {
      problems.push('JWT_PRIVATE_KEY is set but JWT_ALGORITHM=HS256; set JWT_ALGORITHM to the key’s algorithm (EdDSA, ES256 or RS256)');
    } else {
      let key: KeyObject | undefined;
      try {
        key = createPrivateKey(unescape(privatePem));
      } catch {
        problems.push('JWT_PRIVATE_KEY is not an unencrypted PEM private key (e.g. from openssl genpkey)');
      }
      if (key) {
        if (jwtAlgorithmOf(key) === algorithm) keys.privateKey = key;
        else problems.push(`JWT_PRIVATE_KEY must be ${KEY_KINDS[algorithm]} for JWT_ALGORITHM=${algorithm}`);
      }
    }
  }

  const previousPem = text('JWT_PREVIOUS_PUBLIC_KEYS', sources.previousKeys, sources.previousKeysFile);
  if (previousPem !== undefined) {
    const blocks = [...unescape(previousPem).matchAll(PEM_BLOCK)];
    if (algorithm === 'HS256') {
      problems.push('JWT_PREVIOUS_PUBLIC_KEYS is set but JWT_ALGORITHM=HS256, whose key set is empty');
    } else if (blocks.length === 0) {
      problems.push('JWT_PREVIOUS_PUBLIC_KEYS holds no PEM block (-----BEGIN PUBLIC KEY-----)');
    }
    for (const [index, [block, label]] of (algorithm === 'HS256' ? [] : blocks).entries()) {
      const which = `JWT_PREVIOUS_PUBLIC_KEYS key ${index + 1}`;
      if (label.includes('PRIVATE')) {
        problems.push(`${which} is a private key; give only its public key (openssl pkey -pubout)`);
        continue;
      }
      try {
        const key = createPublicKey(block);
        const keyAlgorithm = jwtAlgorithmOf(key);
        if (keyAlgorithm) keys.previousKeys.push({ key, algorithm: keyAlgorithm });
        else problems.push(`${which} must be an Ed25519, P-256 or RSA (>= 2048 bits) public key`);
      } catch {
        problems.push(`${which} is not a PEM public key`);
      }
    }
  }
  return { problems, keys };
}
