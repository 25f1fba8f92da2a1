import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { AppException } from '../common/errors';
import type { AppConfig } from '../config/config';

/**
 * Browser sessions by cookie (contract, "Pages and the admin console", v2), all of it in this file:
 * with AUTH_COOKIES=true a login that asks for it (`"cookie": true`) sets its access token in an
 * HttpOnly cookie that page scripts never see, and returns a CSRF token instead. A request
 * authenticated by that cookie must repeat the CSRF token in `X-CSRF-Token` on every unsafe method
 * (else 403 CSRF_INVALID). The Authorization header always wins when both are present.
 *
 * The CSRF token is a hash of the access token itself (domain-separated SHA-256): nobody who cannot
 * read the cookie can compute it, so it needs no key, no storage and no coordination between
 * instances, and it dies with the token (logout, expiry, revocation).
 */
export const SESSION_COOKIE = '__Host-medisync_session';
export const CSRF_HEADER = 'x-csrf-token';

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Strict';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer +([^\s]+)$/i;

type Headers = Record<string, string | string[] | undefined>;
interface RequestLike {
  method?: string;
  headers: Headers;
}

/** The CSRF token that goes with a cookie's access token. */
export function csrfTokenFor(accessToken: string): string {
  return createHash('sha256').update(`medisync-csrf:${accessToken}`).digest('base64url');
}

/** The session cookie's value, if the request carries one (the first, as browsers send the most specific first). */
export function sessionCookieOf(headers: Headers): string | undefined {
  const raw = headers.cookie;
  const header = Array.isArray(raw) ? raw.join('; ') : raw;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    return /^[A-Za-z0-9._-]{1,4096}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * The token a request is authenticated with: the bearer header's when there is a header (it wins),
 * else the session cookie's when cookie sessions are on. Undefined: neither.
 */
export function credentialOf(
  req: RequestLike,
  config: Pick<AppConfig, 'authCookies'>,
): { token: string; via: 'header' | 'cookie' } | undefined {
  const header = req.headers.authorization;
  if (header !== undefined && header !== '') {
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    return token ? { token, via: 'header' } : undefined;
  }
  if (!config.authCookies) return undefined;
  const token = sessionCookieOf(req.headers);
  return token ? { token, via: 'cookie' } : undefined;
}

/** Where the guard leaves a cookie-authenticated request's token for JwtStrategy. */
const COOKIE_TOKEN = Symbol('medisync.cookieToken');

/**
 * For JwtAuthGuard, on a request without an Authorization header: true when its session cookie
 * authenticates it (the token is kept for JwtStrategy), after the CSRF rule (403 CSRF_INVALID on an
 * unsafe method without the matching header). False: no session cookie (or cookie sessions are off).
 */
export function acceptSessionCookie(req: RequestLike, config: Pick<AppConfig, 'authCookies'>): boolean {
  const credential = credentialOf(req, config);
  if (credential?.via !== 'cookie') return false;
  if (!SAFE_METHODS.has((req.method ?? 'GET').toUpperCase())) {
    const sent = req.headers[CSRF_HEADER];
    const expected = csrfTokenFor(credential.token);
    const same = typeof sent === 'string' && sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
    if (!same) throw new AppException('CSRF_INVALID');
  }
  (req as { [COOKIE_TOKEN]?: string })[COOKIE_TOKEN] = credential.token;
  return true;
}

/** The cookie token JwtAuthGuard accepted for this request, if it was authenticated by the cookie. */
export function acceptedCookieToken(req: object): string | undefined {
  return (req as { [COOKIE_TOKEN]?: string })[COOKIE_TOKEN];
}

/** Refuses `cookie: true` before anything happens when cookie sessions are off. */
export function requireCookieSessions(cookie: boolean | undefined, config: Pick<AppConfig, 'authCookies'>): void {
  if (cookie === true && !config.authCookies) {
    throw AppException.validation([{ field: 'cookie', message: 'cookie sessions are off on this server (AUTH_COOKIES=false)' }]);
  }
}

/** Sets the session cookie for a login's token (until the token expires); returns the CSRF token for the response. */
export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  void reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Max-Age=${maxAge}; ${ATTRIBUTES}`);
  return csrfTokenFor(token);
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  void reply.header('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`);
}

/**
 * A login response as the caller asked for it: with `cookie: true` (AUTH_COOKIES=true), the token goes
 * into the cookie instead of the body, and the body gets the CSRF token. Used by every login route.
 */
export function withSessionCookie<T extends { token?: string; expiresAt: string }>(
  response: T,
  cookie: boolean | undefined,
  reply: FastifyReply,
  config: Pick<AppConfig, 'authCookies'>,
): T & { csrfToken?: string } {
  if (cookie !== true) return response;
  requireCookieSessions(cookie, config);
  // neither the token nor a refresh token (Sessions, v2) reaches the page's scripts: a cookie session
  // ends with its token, and the browser signs in again
  const { token, refreshToken: _refreshToken, ...rest } = response as T & { refreshToken?: string };
  const csrfToken = setSessionCookie(reply, token!, new Date(response.expiresAt));
  return { ...(rest as T), csrfToken };
}
