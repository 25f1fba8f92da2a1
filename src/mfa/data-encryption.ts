import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A key, and the id that ciphertexts name it by (a digest prefix: says which key, reveals nothing of it). */
interface DataKey {
  id: string;
  key: Buffer;
}

const keyOf = (key: Buffer): DataKey => ({ id: createHash('sha256').update(key).digest('base64url').slice(0, 11), key });
const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (TOTP secrets). A ciphertext is `v1.<key id>.<iv>.<ciphertext>.<tag>`
 * (base64url parts; 12-byte random IV, 16-byte tag), bound with `aad` (the owning row's id) so a
 * ciphertext copied to another row does not decrypt. Rotation: encrypt under the current key, decrypt
 * under any known one; `stale` says the value should be written again under the current key.
 */
export class DataEncryption {
  private readonly current: DataKey;
  private readonly byId: Map<string, DataKey>;

  constructor(current: Buffer, previous: Buffer[] = []) {
    if (current.length !== 32 || previous.some((k) => k.length !== 32)) throw new Error('data-encryption keys are 32 bytes');
    this.current = keyOf(current);
    this.byId = new Map([this.current, ...previous.map(keyOf)].map((k) => [k.id, k]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(
      '.',
    );
  }

  /** Throws when the value is malformed, was made under a key this process does not have, or was altered. */
  decrypt(value: string, aad: string): { plaintext: string; stale: boolean } {
    const parts = value.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not a data-encryption ciphertext');
    const [, id, iv, body, tag] = parts;
    const key = this.byId.get(id);
    if (!key) throw new Error(`no data-encryption key ${id} (was DATA_ENCRYPTION_KEY changed without DATA_ENCRYPTION_KEY_PREVIOUS?)`);
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return { plaintext, stale: id !== this.current.id };
  }

  /** The key id a ciphertext names (for finding values still under an old key). */
  static keyIdOf(value: string): string | undefined {
    return value.split('.')[1];
  }
}

/**
 * The development data-encryption key: `DATA_DIR/data-encryption.key` (base64, readable by the owner
 * only), made the first time and reused after. Never used in production (MfaService refuses).
 */
export function developmentDataKey(dataDir: string): { key: Buffer; file: string; created: boolean } {
  const file = join(dataDir, 'data-encryption.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return { key, file, created: false };
  }
  const key = randomBytes(32);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, file, created: true };
}
