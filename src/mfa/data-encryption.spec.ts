import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataEncryption, developmentDataKey } from './data-encryption';

describe('DataEncryption (AES-256-GCM at rest)', () => {
  const key = randomBytes(32);
  const box = new DataEncryption(key);

  it('round-trips, with a fresh IV each time, and the ciphertext shows neither the plaintext nor the key', () => {
    const a = box.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    const b = box.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(a).not.toContain(key.toString('base64url'));
    expect(box.decrypt(a, 'user-1')).toEqual({ plaintext: 'JBSWY3DPEHPK3PXP', stale: false });
  });

  it('refuses a value bound to another row, altered, truncated, or under an unknown key', () => {
    const value = box.encrypt('secret', 'user-1');
    expect(() => box.decrypt(value, 'user-2')).toThrow();
    const parts = value.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    expect(() => box.decrypt([...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.'), 'user-1')).toThrow();
    expect(() => box.decrypt(parts.slice(0, 4).join('.'), 'user-1')).toThrow('not a data-encryption ciphertext');
    expect(() => new DataEncryption(randomBytes(32)).decrypt(value, 'user-1')).toThrow(/no data-encryption key/);
    expect(() => new DataEncryption(randomBytes(16))).toThrow('32 bytes');
  });

  it('rotation: a new key still reads values under a previous one, says they are stale, and writes under the new one', () => {
    const old = box.encrypt('secret', 'user-1');
    const rotated = new DataEncryption(randomBytes(32), [key]);
    expect(rotated.decrypt(old, 'user-1')).toEqual({ plaintext: 'secret', stale: true });
    const again = rotated.encrypt('secret', 'user-1');
    expect(DataEncryption.keyIdOf(again)).toBe(rotated.currentKeyId);
    expect(DataEncryption.keyIdOf(again)).not.toBe(DataEncryption.keyIdOf(old));
    expect(rotated.decrypt(again, 'user-1')).toEqual({ plaintext: 'secret', stale: false });
  });

  it('the development key is made once in DATA_DIR (owner-only) and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medisync-dek-'));
    try {
      const first = developmentDataKey(join(dir, 'data'));
      expect(first.created).toBe(true);
      expect(first.key).toHaveLength(32);
      expect(statSync(first.file).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(first.file, 'utf8').trim(), 'base64').equals(first.key)).toBe(true);
      const second = developmentDataKey(join(dir, 'data'));
      expect(second.created).toBe(false);
      expect(second.key.equals(first.key)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
