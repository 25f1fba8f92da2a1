import { Secret, TOTP, URI } from 'otpauth';
import {
  acceptedStep,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  otpauthUri,
  recoveryCodeHash,
  timeStepOf,
  totpCode,
} from './totp';

/** RFC 6238 Appendix B: the SHA-1 secret "12345678901234567890" and its 8-digit codes (we use the last 6). */
const RFC_SECRET = new Secret({ buffer: new TextEncoder().encode('12345678901234567890').buffer }).base32;

describe('TOTP codes', () => {
  it('match the RFC 6238 test vectors (SHA-1, 30 s; 6 digits are the last 6 of the 8)', () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe('287082');
    expect(totpCode(RFC_SECRET, 1111111109_000)).toBe('081804');
    expect(totpCode(RFC_SECRET, 1234567890_000)).toBe('005924');
    expect(totpCode(RFC_SECRET, 2000000000_000)).toBe('279037');
  });

  it('accept the code of now and of one step either side, and say which step it was', () => {
    const secret = newTotpSecret();
    const now = 1_800_000_000_000;
    const step = timeStepOf(now);
    expect(acceptedStep(secret, totpCode(secret, now), now, null)).toEqual({ step });
    expect(acceptedStep(secret, totpCode(secret, now - 30_000), now, null)).toEqual({ step: step - 1 });
    expect(acceptedStep(secret, totpCode(secret, now + 30_000), now, null)).toEqual({ step: step + 1 });
    expect(acceptedStep(secret, totpCode(secret, now - 60_000), now, null)).toEqual({ step: null, replayed: false });
    expect(acceptedStep(secret, totpCode(secret, now + 60_000), now, null)).toEqual({ step: null, replayed: false });
  });

  it('refuse a code whose step is not newer than the last accepted (replay), and malformed codes', () => {
    const secret = newTotpSecret();
    const now = 1_800_000_000_000;
    const step = timeStepOf(now);
    const code = totpCode(secret, now);
    expect(acceptedStep(secret, code, now, step)).toEqual({ step: null, replayed: true });
    expect(acceptedStep(secret, code, now, step + 1)).toEqual({ step: null, replayed: true });
    expect(acceptedStep(secret, totpCode(secret, now - 30_000), now, step - 1)).toEqual({ step: null, replayed: true });
    expect(acceptedStep(secret, code, now, step - 1)).toEqual({ step });
    for (const bad of ['', '12345', '1234567', 'abcdef', ` ${code}`, `${code}\n`]) {
      expect(acceptedStep(secret, bad, now, null)).toEqual({ step: null, replayed: false });
    }
  });

  it('new secrets are 160 random bits in base32, and the otpauth URI is what apps read', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = otpauthUri(secret, 'MediSync', 'jane@example.org');
    expect(uri).toBe(`otpauth://totp/MediSync:jane%40example.org?issuer=MediSync&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
    // an independent parse of the URI gives the same codes
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed.generate({ timestamp: 42_000 })).toBe(totpCode(secret, 42_000));
  });
});

describe('recovery codes', () => {
  it('are 10 distinct codes of 16 Crockford base32 characters in groups of four', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it('are read ignoring case, spaces and dashes, with O/I/L as 0/1; anything else is not one', () => {
    expect(normalizeRecoveryCode('abcd-efgh-jkmn-pqrs')).toBe('ABCDEFGHJKMNPQRS');
    expect(normalizeRecoveryCode(' ABCD EFGH JKMN PQRS ')).toBe('ABCDEFGHJKMNPQRS');
    expect(normalizeRecoveryCode('oOiI-lL00-1111-2222')).toBe('0011110011112222');
    expect(normalizeRecoveryCode('ABCD-EFGH-JKMN-PQR')).toBeNull();
    expect(normalizeRecoveryCode('ABCD-EFGH-JKMN-PQRSU')).toBeNull();
    expect(normalizeRecoveryCode('ABCD-EFGH-JKMN-PQR!')).toBeNull();
  });

  it('are stored as a hash of their canonical form, never as typed', () => {
    const [code] = newRecoveryCodes(1);
    const hash = recoveryCodeHash(normalizeRecoveryCode(code)!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(code.replace(/-/g, ''));
    expect(recoveryCodeHash(normalizeRecoveryCode(code.toLowerCase())!)).toBe(hash);
  });
});
