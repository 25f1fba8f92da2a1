// The floor: a bare node:http server doing by hand the same work as MediSync for each benchmarked
// route (HS256 verify with node:crypto, the same SQL with raw pg, raw argon2 verify), nothing else.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { verify as argon2Verify } from '@node-rs/argon2';
import pg from 'pg';

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const ACCESS_SQL = `SELECT u.id, u.role, u.email_verified_at IS NOT NULL AS verified, u.disabled_at IS NOT NULL AS disabled, u.token_version,
  EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked, s.plan, s.status, s.current_period_end
  FROM users u LEFT JOIN LATERAL (SELECT plan, status, current_period_end FROM subscriptions WHERE user_id = u.id ORDER BY created_at DESC, id DESC LIMIT 1) s ON true
  WHERE u.id = $1`;
const USER_SQL = `SELECT * FROM users WHERE id = $1`;
let storedHash;

function verifyJwt(header) {
  const m = /^Bearer ([^.]+)\.([^.]+)\.([^.]+)$/.exec(header ?? '');
  if (!m) return null;
  const expected = createHmac('sha256', key).update(`${m[1]}.${m[2]}`).digest();
  const given = Buffer.from(m[3], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(m[2], 'base64url').toString());
  return claims.exp * 1000 > Date.now() ? claims : null;
}

async function principal(req) {
  const claims = verifyJwt(req.headers.authorization);
  if (!claims) return null;
  const { rows } = await pool.query(ACCESS_SQL, [claims.sub, claims.jti]);
  return rows[0] && !rows[0].revoked && !rows[0].disabled ? rows[0] : null;
}

const send = (res, status, body) => {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
};

const readBody = (req) =>
  new Promise((resolve) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => resolve(raw));
  });

createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/login') {
      const body = JSON.parse(await readBody(req));
      if (!storedHash)
        storedHash = (await pool.query('SELECT password_hash FROM users WHERE email = $1', [body.email])).rows[0].password_hash;
      return send(res, (await argon2Verify(storedHash, body.password)) ? 200 : 401, { success: true });
    }
    const user = await principal(req);
    if (!user) return send(res, 401, { success: false });
    if (req.method === 'GET' && req.url === '/me') {
      const { rows } = await pool.query(USER_SQL, [user.id]);
      return send(res, 200, { success: true, user: { id: rows[0].id, email: rows[0].email, firstName: rows[0].first_name } });
    }
    if (req.method === 'GET' && req.url === '/patients') {
      const [list, count] = await Promise.all([
        pool.query(
          'SELECT * FROM patients p WHERE p.deleted_at IS NULL AND p.doctor_id = $1 ORDER BY p.last_name, p.first_name, p.id LIMIT 20',
          [user.id],
        ),
        pool.query('SELECT count(*)::int AS n FROM patients p WHERE p.deleted_at IS NULL AND p.doctor_id = $1', [user.id]),
      ]);
      return send(res, 200, { success: true, data: list.rows, meta: { page: 1, limit: 20, total: count.rows[0].n } });
    }
    if (req.method === 'GET' && req.url === '/fhir/Patient') {
      // the same filter as the FHIR search (own patients, or the calling patient's own record), as a hand-built Bundle
      const where = 'p.deleted_at IS NULL AND (p.doctor_id = $1 OR p.user_id = $1)';
      const [list, count] = await Promise.all([
        pool.query(`SELECT * FROM patients p WHERE ${where} ORDER BY p.last_name, p.first_name, p.id LIMIT 20`, [user.id]),
        pool.query(`SELECT count(*)::int AS n FROM patients p WHERE ${where}`, [user.id]),
      ]);
      const base = 'http://127.0.0.1/fhir/R4';
      const entry = list.rows.map((p) => ({
        fullUrl: `${base}/Patient/${p.id}`,
        resource: {
          resourceType: 'Patient',
          id: p.id,
          meta: { versionId: String(p.updated_at.getTime()), lastUpdated: p.updated_at.toISOString() },
          name: [{ use: 'official', family: p.last_name, given: [p.first_name] }],
          birthDate: p.date_of_birth,
          generalPractitioner: [{ reference: `Practitioner/${p.doctor_id}` }],
        },
        search: { mode: 'match' },
      }));
      const json = JSON.stringify({
        resourceType: 'Bundle',
        type: 'searchset',
        total: count.rows[0].n,
        link: [{ relation: 'self', url: `${base}/Patient?_count=20` }],
        entry,
      });
      res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(json) });
      return res.end(json);
    }
    if (req.method === 'PATCH' && req.url === '/me') {
      const body = JSON.parse(await readBody(req));
      if (typeof body.firstName !== 'string' || body.firstName.length < 1 || body.firstName.length > 100)
        return send(res, 400, { success: false });
      await pool.query('UPDATE users SET first_name = $2, updated_at = now() WHERE id = $1', [user.id, body.firstName.trim()]);
      const { rows } = await pool.query(USER_SQL, [user.id]);
      return send(res, 200, { success: true, user: { id: rows[0].id, firstName: rows[0].first_name } });
    }
    send(res, 404, { success: false });
  } catch (error) {
    send(res, 500, { success: false, error: String(error) });
  }
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
