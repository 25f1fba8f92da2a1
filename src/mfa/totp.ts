import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side of now is accepted (clock drift, a code typed as it turned over). */
const WINDOW = 1;

function totpOf(secretBase32: string, issuer = 'MediSync', label = 'account'): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI an authenticator app scans (issuer and account name in the label and the issuer parameter). */
export function otpauthUri(secretBase32: string, issuer: string, account: string): string {
  return totpOf(secretBase32, issuer, account).toString();
}

/** The time step of a moment (RFC 6238's T). */
export function timeStepOf(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step whose code `code` is (now, or one step either side), if it is newer than
 * `lastUsedStep`: a code is accepted at most once, and never one older than the last accepted. Null
 * when the code is wrong, malformed, or replayed.
 */
export function acceptedStep(
  secretBase32: string,
  code: string,
  nowMs: number,
  lastUsedStep: number | null,
): { step: number } | { step: null; replayed: boolean } {
  if (!/^\d{6}$/.test(code)) return { step: null, replayed: false };
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: nowMs, window: WINDOW });
  if (delta === null) return { step: null, replayed: false };
  const step = timeStepOf(nowMs) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return { step: null, replayed: true };
  return { step };
}

/** The code of a moment (tests and tools; the server only verifies). */
export function totpCode(secretBase32: string, nowMs = Date.now()): string {
  return totpOf(secretBase32).generate({ timestamp: nowMs });
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_COUNT = 10;

/** 10 recovery codes, each 80 random bits as 16 Crockford base32 characters in groups of four: `7K2M-...`. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(16);
    const chars = Array.from(bytes, (b) => CROCKFORD[b & 31]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/**
 * A recovery code as typed, reduced to its canonical form: case, spaces and dashes ignored, and the
 * letters people confuse with digits (O, I, L) read as Crockford does. Null when it cannot be one.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{16}$/.test(s) ? s : null;
}

/** What is stored of a recovery code (its canonical form's SHA-256; 80-bit codes need no slow hash). */
export function recoveryCodeHash(canonical: string): string {
  return createHash('sha256').update(`medisync-recovery:${canonical}`).digest('hex');
}
