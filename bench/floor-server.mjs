// The floor: a bare node:http server doing by hand the least work each benchmarked route must do
// (HS256 or EdDSA verify with node:crypto, the account-state query with raw pg, which returns the account
// as well, the route's own SQL, raw argon2 verify), nothing else: no cache, no framework.
import {
  createHash,
  createHmac,
  createPublicKey,
  createSecretKey,
  randomBytes,
  randomUUID,
  timingSafeEqual,
  verify as cryptoVerify,
} from 'node:crypto';
import { createServer } from 'node:http';
import { verify as argon2Verify } from '@node-rs/argon2';
import pg from 'pg';

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// one primary-key query returns the account and everything the guards need (as AccessStateService reads it)
const ACCESS_SQL = `SELECT u.id, u.role, u.email, u.title, u.first_name, u.last_name, u.specialty, u.ehr_system_type, u.ehr_system_name,
  u.email_verified_at, u.mfa_enabled, u.created_at, u.updated_at, u.disabled_at IS NOT NULL AS disabled, u.token_version,
  se.ended_at IS NOT NULL OR se.expires_at <= now() OR se.token_version < u.token_version AS revoked, s.plan, s.status, s.current_period_end
  FROM users u JOIN sessions se ON se.id = $2 AND se.user_id = u.id
  LEFT JOIN LATERAL (SELECT plan, status, current_period_end FROM subscriptions WHERE user_id = u.id ORDER BY created_at DESC, id DESC LIMIT 1) s ON true
  WHERE u.id = $1`;
// the refresh rotation, as SessionsService.rotate does it
const ROTATE_SQL = `SELECT rt.session_id, rt.retired_at IS NOT NULL AS retired, s.user_id, s.expires_at, s.amr, u.role, u.token_version,
  s.ended_at IS NOT NULL OR u.disabled_at IS NOT NULL OR s.token_version < u.token_version AS revoked
  FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
  WHERE rt.token_hash = $1 FOR UPDATE OF rt, s`;
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const signJwt = (claims) => {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
};
const sha256 = (v) => createHash('sha256').update(v, 'utf8').digest();
let storedHash;

// EdDSA (Ed25519) verification with node:crypto, for the EdDSA instance's floor (the public key from the bench)
const eddsaKey = process.env.JWT_PUBLIC_KEY ? createPublicKey(process.env.JWT_PUBLIC_KEY) : undefined;

function verifyJwt(header) {
  const m = /^Bearer ([^.]+)\.([^.]+)\.([^.]+)$/.exec(header ?? '');
  if (!m) return null;
  const given = Buffer.from(m[3], 'base64url');
  const alg = JSON.parse(Buffer.from(m[1], 'base64url').toString()).alg;
  if (alg === 'EdDSA' && eddsaKey) {
    if (!cryptoVerify(null, Buffer.from(`${m[1]}.${m[2]}`), eddsaKey, given)) return null;
  } else {
    const expected = createHmac('sha256', key).update(`${m[1]}.${m[2]}`).digest();
    if (alg !== 'HS256' || given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  }
  const claims = JSON.parse(Buffer.from(m[2], 'base64url').toString());
  return claims.exp * 1000 > Date.now() ? claims : null;
}

async function principal(req) {
  const claims = verifyJwt(req.headers.authorization);
  if (!claims) return null;
  const { rows } = await pool.query(ACCESS_SQL, [claims.sub, claims.sid]);
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
    if (req.method === 'POST' && req.url === '/refresh') {
      const body = JSON.parse(await readBody(req));
      if (typeof body.refreshToken !== 'string') return send(res, 400, { success: false });
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const hash = sha256(body.refreshToken);
        const row = (await client.query(ROTATE_SQL, [hash])).rows[0];
        if (!row || row.retired || row.revoked || row.expires_at <= new Date()) {
          await client.query('ROLLBACK');
          return send(res, 401, { success: false });
        }
        const successor = randomBytes(32).toString('base64url');
        await client.query('UPDATE refresh_tokens SET retired_at = now() WHERE token_hash = $1', [hash]);
        await client.query('INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)', [sha256(successor), row.session_id]);
        await client.query('UPDATE sessions SET last_used_at = now() WHERE id = $1', [row.session_id]);
        await client.query('COMMIT');
        const iat = Math.floor(Date.now() / 1000);
        const exp = Math.floor(row.expires_at.getTime() / 1000);
        const token = signJwt({
          sub: row.user_id,
          userId: row.user_id,
          role: row.role,
          jti: randomUUID(),
          sid: row.session_id,
          amr: row.amr,
          tv: row.token_version,
          iat,
          exp,
        });
        return send(res, 200, { success: true, token, refreshToken: successor, expiresAt: new Date(exp * 1000).toISOString() });
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    const user = await principal(req);
    if (!user) return send(res, 401, { success: false });
    if (req.method === 'GET' && req.url === '/me') {
      // from the row the access check read: no second query
      return send(res, 200, {
        success: true,
        user: {
          id: user.id,
          email: user.email,
          role: user.role,
          title: user.title,
          firstName: user.first_name,
          lastName: user.last_name,
          specialty: user.specialty,
          ehr_system_type: user.ehr_system_type,
          ehr_system_name: user.ehr_system_name,
          emailVerified: user.email_verified_at !== null,
          mfaEnabled: user.mfa_enabled,
          createdAt: user.created_at.toISOString(),
          updatedAt: user.updated_at.toISOString(),
        },
      });
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
      const { rows } = await pool.query('UPDATE users SET first_name = $2, updated_at = now() WHERE id = $1 RETURNING *', [
        user.id,
        body.firstName.trim(),
      ]);
      return send(res, 200, { success: true, user: { id: rows[0].id, firstName: rows[0].first_name } });
    }
    send(res, 404, { success: false });
  } catch (error) {
    send(res, 500, { success: false, error: String(error) });
  }
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
