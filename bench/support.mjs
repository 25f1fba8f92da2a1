// What the bench scripts share: a throw-away database on the local PostgreSQL, waiting for a server,
// and calling its API.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The environment of a benchmarked server: production, on loopback, rate limits, lockout and the
 * shutdown drain off (they would refuse the load or slow the stop); HASH_CONCURRENCY, HASH_NICE and
 * ACCESS_CACHE_TTL_MS pass through from the bench's own environment.
 */
export function serverEnv({ port, dbUrl, jwtSecret, logLevel }) {
  const passed = ['HASH_CONCURRENCY', 'HASH_NICE', 'ACCESS_CACHE_TTL_MS'].filter((name) => process.env[name]);
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl,
    JWT_SECRET: jwtSecret,
    RATE_LIMIT_DEFAULT: '0',
    RATE_LIMIT_LOGIN: '0',
    RATE_LIMIT_REGISTER: '0',
    LOGIN_LOCKOUT: '0',
    SHUTDOWN_DRAIN_MS: '0',
    LOG_LEVEL: logLevel,
    ...Object.fromEntries(passed.map((name) => [name, process.env[name]])),
  };
}

/** Runs one statement as the admin connection (CREATE/DROP DATABASE, pg_stat reads) and returns its result. */
export async function admin(sql) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A new database's name and URL (`<prefix>_<random>`), not created yet. */
export function throwawayDatabase(prefix) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return { name, url: u.toString() };
}

/** Resolves with the milliseconds it took once `url` answers 2xx; rejects after `timeoutMs`. */
export async function waitFor(url, timeoutMs = 20_000) {
  const start = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return Date.now() - start;
    } catch {
      /* not up yet */
    }
    if (Date.now() - start > timeoutMs) throw new Error(`${url} not ready`);
    await sleep(20);
  }
}

/** A JSON call to the server on `port`; throws on a non-2xx answer. */
export async function api(port, path, init = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Registers a doctor on the server at `port`, marks the email verified in the database at `dbUrl`,
 * logs in and starts the trial: the account every scenario uses. Returns its bearer token.
 */
export async function subscribedDoctor(port, dbUrl, email, password) {
  const reg = await api(port, '/api/register', {
    method: 'POST',
    body: JSON.stringify({
      title: 'Dr.',
      firstName: 'Bench',
      lastName: 'Doctor',
      email,
      password,
      specialty: 'Cardiology',
      ehr_system_type: 'cloud',
      ehr_system_name: 'OpenEMR',
    }),
  });
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  await c.query(`UPDATE users SET email_verified_at = now() WHERE id = $1`, [reg.uid]);
  await c.end();
  const { token } = await api(port, '/api/login', { method: 'POST', body: JSON.stringify({ email, password }) });
  await api(port, '/api/subscriptions/trial', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return token;
}
