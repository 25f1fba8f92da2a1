import { createHash, randomBytes } from 'node:crypto';

/** An opaque secret handed to a client (emailed links, refresh tokens): 32 random bytes (256 bits), base64url. */
export const newSecretToken = (): string => randomBytes(32).toString('base64url');

/** What the database keeps of such a secret: its SHA-256, never the secret itself. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The shape of a secret made by newSecretToken: anything else is refused before any lookup. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
