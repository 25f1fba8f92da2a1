// @ts-check
/**
 * The console's only way to the server: the public JSON API under /api, authenticated by the HttpOnly
 * session cookie that `POST /api/login` with `cookie: true` sets (AUTH_COOKIES=true). The script never
 * sees the token; it keeps only the CSRF token, which every unsafe request repeats in X-CSRF-Token.
 */

const CSRF_KEY = 'medisync.console.csrf';

/** An error answer, as the contract's envelope. */
export class ApiError extends Error {
  /** @param {number} status @param {any} body */
  constructor(status, body) {
    super(typeof body?.error === 'string' ? body.error : `HTTP ${status}`);
    this.status = status;
    /** @type {string} */
    this.code = typeof body?.code === 'string' ? body.code : 'HTTP_ERROR';
    /** @type {{ field: string, message: string }[]} */
    this.details = Array.isArray(body?.details) ? body.details : [];
    /** @type {any} */
    this.body = body;
  }
}

/** The CSRF token of this tab's session ('' when signed out). Kept per tab: it is useless without the cookie. */
export function csrfToken() {
  return sessionStorage.getItem(CSRF_KEY) ?? '';
}

/** @param {string} token */
export function setCsrfToken(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

/**
 * @param {'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} method
 * @param {string} path under /api, e.g. `/admin/users?page=1`
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken()) headers['x-csrf-token'] = csrfToken();
  const res = await fetch(`/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let json = null;
  try {
    json = await res.json();
  } catch {
    /* an empty or non-JSON answer */
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** A query string from the values that are set. @param {Record<string, string | number | undefined>} params */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
