import type { AddressInfo } from 'node:net';
import { sqlOn } from './support/database';
import { expectEnvelope, PASSWORD, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';

const ADMIN = { email: 'sessions.admin@example.org', password: 'Adm1n-Passw0rd!' };
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

interface Login {
  token: string;
  refreshToken: string;
  sessionId: string;
  expiresAt: string;
}

describe('sessions: refresh with rotation and reuse detection, the session list, sign-out everywhere', () => {
  let ctx: TestContext;
  let admin: string;
  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sqlOn<T>(ctx.db, text, params);
  const login = async (email: string, extra: Record<string, unknown> = {}, userAgent = 'sessions-test/1.0'): Promise<Login> =>
    (
      await ctx.http
        .post('/api/login')
        .set('User-Agent', userAgent)
        .send({ email, password: PASSWORD, ...extra })
        .expect(200)
    ).body as Login;
  const refresh = (refreshToken: string) => ctx.http.post('/api/token/refresh').send({ refreshToken });
  const me = (token: string) => ctx.http.get('/api/users/me').set(bearer(token));
  const auditActions = async (userId: string) =>
    (await ctx.http.get(`/api/admin/audit-events?targetId=${userId}&limit=100`).set(bearer(admin)).expect(200)).body.data as Array<{
      action: string;
      details: Record<string, unknown>;
    }>;

  beforeAll(async () => {
    ctx = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    admin = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token;
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('a login starts a session: refreshToken and sessionId beside the v1 fields, the token names its session', async () => {
    const doctor = await verifiedDoctor(ctx);
    const res = await login(doctor.email);
    expect(res.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(claimsOf(res.token)).toMatchObject({ sid: res.sessionId, amr: ['pwd'] });
    const stored = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM refresh_tokens WHERE token_hash = convert_to($1, 'UTF8')`, [
      res.refreshToken,
    ]);
    expect(stored[0].n).toBe(0); // only the hash is kept
    const rows = await sql<{ user_agent: string; ip: string }>(`SELECT user_agent, ip FROM sessions WHERE id = $1`, [res.sessionId]);
    expect(rows[0]).toMatchObject({ user_agent: 'sessions-test/1.0', ip: '127.0.0.1' });
  });

  it('refresh rotates: a new access token and a new refresh token of the same session', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await login(doctor.email);
    const res = await refresh(first.refreshToken).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'refreshToken', 'success', 'token']);
    expect(res.body.refreshToken).not.toBe(first.refreshToken);
    expect(res.body.token).not.toBe(first.token);
    expect(claimsOf(res.body.token)).toMatchObject({ sid: first.sessionId, sub: doctor.uid });
    await me(res.body.token).expect(200);
    // the successor rotates in turn
    await refresh(res.body.refreshToken).expect(200);
  });

  it('a retired refresh token presented after the grace window revokes the session and every access token of it, and is audited', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await login(doctor.email);
    const second = (await refresh(first.refreshToken).expect(200)).body as Login;
    await sql(`UPDATE refresh_tokens SET retired_at = now() - interval '11 seconds' WHERE retired_at IS NOT NULL`);
    expectEnvelope((await refresh(first.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED', 'Token has been revoked');
    // the thief's and the owner's tokens alike
    expectEnvelope((await me(second.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await me(first.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await refresh(second.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED');
    const events = await auditActions(doctor.uid);
    expect(events.find((e) => e.action === 'session.refresh_reused')?.details).toEqual({ sessionId: first.sessionId });
    expect(events.find((e) => e.action === 'session.ended')?.details).toEqual({ sessionId: first.sessionId, reason: 'refresh_reused' });
  });

  it('two tabs refreshing with the same token at once both succeed (the grace window), but only once', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await login(doctor.email);
    const [a, b] = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refreshToken).not.toBe(b.body.refreshToken);
    await me(a.body.token).expect(200);
    await me(b.body.token).expect(200);
    // both successors are good
    await refresh(a.body.refreshToken).expect(200);
    await refresh(b.body.refreshToken).expect(200);
    // a third use of the raced token, even within the window, is reuse
    expectEnvelope((await refresh(first.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await me(a.body.token).expect(401)).body, 401, 'TOKEN_REVOKED');
  });

  it('refuses refresh tokens that were never issued, and malformed bodies', async () => {
    expectEnvelope((await refresh('A'.repeat(43)).expect(401)).body, 401, 'TOKEN_INVALID');
    expectEnvelope((await refresh('short').expect(401)).body, 401, 'TOKEN_INVALID');
    for (const body of [{}, { refreshToken: 42 }, { refreshToken: 'x'.repeat(201) }, { refreshToken: 'A'.repeat(43), extra: 1 }]) {
      expectEnvelope((await ctx.http.post('/api/token/refresh').send(body).expect(400)).body, 400, 'VALIDATION_ERROR');
    }
  });

  it('absolute expiry: the access token and the refresh token die with the session', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await login(doctor.email);
    await sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [first.sessionId]);
    expectEnvelope((await me(first.token).expect(401)).body, 401, 'TOKEN_EXPIRED');
    expectEnvelope((await refresh(first.refreshToken).expect(401)).body, 401, 'TOKEN_EXPIRED');
  });

  it('a remembered login has a 30-day session; its refreshed tokens never outlive it', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await login(doctor.email, { remember: true });
    const session = await sql<{ expires_at: Date }>(`SELECT expires_at FROM sessions WHERE id = $1`, [first.sessionId]);
    expect(new Date(first.expiresAt).getTime()).toBe(new Date(session[0].expires_at).getTime());
    const next = (await refresh(first.refreshToken).expect(200)).body as Login;
    expect(new Date(next.expiresAt).getTime()).toBeLessThanOrEqual(new Date(session[0].expires_at).getTime());
    expect((claimsOf(next.token).exp as number) * 1000).toBe(new Date(next.expiresAt).getTime());
  });

  it('lists the caller’s live sessions with the current one marked; ends its own, not another’s', async () => {
    const doctor = await verifiedDoctor(ctx);
    const other = await verifiedDoctor(ctx);
    const phone = await login(doctor.email, {}, 'phone/1');
    const desk = await login(doctor.email, {}, 'desk/2');
    const theirs = await login(other.email);
    const list = (await ctx.http.get('/api/sessions').set(bearer(desk.token)).expect(200)).body;
    expect(list.success).toBe(true);
    const ids = list.data.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([phone.sessionId, desk.sessionId]));
    expect(ids).not.toContain(theirs.sessionId);
    const current = list.data.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ id: desk.sessionId, userAgent: 'desk/2', ip: '127.0.0.1' });
    expect(Object.keys(current[0]).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent']);

    expectEnvelope((await ctx.http.delete(`/api/sessions/${theirs.sessionId}`).set(bearer(desk.token)).expect(403)).body, 403, 'NOT_OWNER');
    await me(theirs.token).expect(200);
    await ctx.http.delete(`/api/sessions/${phone.sessionId}`).set(bearer(desk.token)).expect(200);
    expectEnvelope((await me(phone.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await refresh(phone.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED');
    await me(desk.token).expect(200);
    // ended: gone from the list, and 404 to end again
    const after = (await ctx.http.get('/api/sessions').set(bearer(desk.token)).expect(200)).body.data.map((s: { id: string }) => s.id);
    expect(after).not.toContain(phone.sessionId);
    expectEnvelope((await ctx.http.delete(`/api/sessions/${phone.sessionId}`).set(bearer(desk.token)).expect(404)).body, 404, 'NOT_FOUND');
    await ctx.http.delete('/api/sessions/not-a-uuid').set(bearer(desk.token)).expect(400);
    const ended = (await auditActions(doctor.uid)).find((e) => e.action === 'session.ended');
    expect(ended?.details).toEqual({ sessionId: phone.sessionId, reason: 'ended_by_user' });
  });

  it('logout ends the current session only; sign-out everywhere ends them all', async () => {
    const doctor = await verifiedDoctor(ctx);
    const a = await login(doctor.email);
    const b = await login(doctor.email);
    const c = await login(doctor.email);
    await ctx.http.post('/api/logout').set(bearer(a.token)).expect(200);
    expectEnvelope((await me(a.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await refresh(a.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED');
    await me(b.token).expect(200);
    const all = await ctx.http.post('/api/logout/all').set(bearer(b.token)).expect(200);
    // b and c, and the session verifiedDoctor() started
    expect(all.body).toMatchObject({ success: true, ended: 3 });
    for (const s of [b, c, { token: doctor.token, refreshToken: undefined }]) {
      expectEnvelope((await me(s.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    }
    expectEnvelope((await refresh(c.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED');
    // a new login works as before
    await me((await login(doctor.email)).token).expect(200);
  });

  it('a password change ends every session, refresh included', async () => {
    const doctor = await verifiedDoctor(ctx);
    const other = await login(doctor.email);
    await ctx.http
      .post('/api/users/me/password')
      .set(bearer(doctor.token))
      .send({ currentPassword: PASSWORD, newPassword: 'Changed-Passw0rd-2' })
      .expect(200);
    expectEnvelope((await refresh(other.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await me(other.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    expect(
      (
        await ctx.http
          .get('/api/admin/users/' + doctor.uid + '/sessions')
          .set(bearer(admin))
          .expect(200)
      ).body.data,
    ).toEqual([]);
  });

  it('admin: sees a user’s sessions and ends them all; others may not', async () => {
    const doctor = await verifiedDoctor(ctx);
    const second = await login(doctor.email);
    const view = (await ctx.http.get(`/api/admin/users/${doctor.uid}/sessions`).set(bearer(admin)).expect(200)).body;
    expect(view.data.map((s: { id: string }) => s.id)).toContain(second.sessionId);
    expect(view.data.every((s: { current: boolean }) => s.current === false)).toBe(true);
    expectEnvelope(
      (await ctx.http.get(`/api/admin/users/${doctor.uid}/sessions`).set(bearer(second.token)).expect(403)).body,
      403,
      'ROLE_REQUIRED',
    );
    const ended = await ctx.http.delete(`/api/admin/users/${doctor.uid}/sessions`).set(bearer(admin)).expect(200);
    expect(ended.body).toMatchObject({ success: true, ended: 2 });
    expectEnvelope((await me(second.token).expect(401)).body, 401, 'TOKEN_REVOKED');
    expectEnvelope((await refresh(second.refreshToken).expect(401)).body, 401, 'TOKEN_REVOKED');
    const events = await auditActions(doctor.uid);
    expect(events.filter((e) => e.action === 'session.ended' && e.details.reason === 'ended_by_admin')).toHaveLength(2);
    // the account itself stays usable
    await me((await login(doctor.email)).token).expect(200);
    await ctx.http.get('/api/admin/users/00000000-0000-4000-8000-000000000000/sessions').set(bearer(admin)).expect(404);
  });

  it('MediSync’s AuthManager from its guide still logs in and calls the API unchanged', async () => {
    const doctor = await verifiedDoctor(ctx);
    const base = `http://127.0.0.1:${(ctx.app.getHttpServer().address() as AddressInfo).port}`;
    const storage = new Map<string, string>();
    const localStorage = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    };
    // the guide's class, with its host replaced by this server's
    class AuthManager {
      token: string | null = localStorage.getItem('authToken');
      userId: string | null = localStorage.getItem('userId');
      async login(email: string, password: string, remember = false) {
        const response = await fetch(`${base}/api/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email, password, remember }),
        });
        if (response.ok) {
          const data = (await response.json()) as { token: string; uid: string };
          this.setTokens(data.token, data.uid);
          return data;
        } else {
          throw new Error(await response.text());
        }
      }
      setTokens(token: string, userId: string) {
        this.token = token;
        this.userId = userId;
        localStorage.setItem('authToken', token);
        localStorage.setItem('userId', userId);
      }
      getAuthHeaders() {
        return { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' };
      }
      isLoggedIn() {
        return !!this.token && !!this.userId;
      }
    }
    const auth = new AuthManager();
    const data = await auth.login(doctor.email, PASSWORD, true);
    expect(auth.isLoggedIn()).toBe(true);
    expect(data.uid).toBe(doctor.uid);
    const res = await fetch(`${base}/api/users/me`, { headers: auth.getAuthHeaders() });
    expect(res.status).toBe(200);
    await expect(new AuthManager().login(uniqueEmail(), PASSWORD)).rejects.toThrow(/INVALID_CREDENTIALS/);
  });
});

describe('sessions with ACCESS_TOKEN_TTL and SESSION_IDLE_TIMEOUT', () => {
  let ctx: TestContext;
  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sqlOn<T>(ctx.db, text, params);
  beforeAll(async () => {
    ctx = await startTestApp({ ACCESS_TOKEN_TTL: '15m', SESSION_IDLE_TIMEOUT: '30m' });
  });
  afterAll(async () => {
    await ctx.close();
  });
  const loginOf = async (email: string) =>
    (await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(200)).body as Login;

  it('issues 15-minute access tokens that refresh extends, within the session', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await loginOf(doctor.email);
    const claims = claimsOf(first.token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(15 * 60);
    const next = (await ctx.http.post('/api/token/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body as Login;
    const nextClaims = claimsOf(next.token);
    expect((nextClaims.exp as number) - (nextClaims.iat as number)).toBe(15 * 60);
  });

  it('a session unused for SESSION_IDLE_TIMEOUT ends: its access and refresh tokens are refused as expired, and it is audited', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await loginOf(doctor.email);
    const kept = await loginOf(doctor.email);
    await ctx.http.get('/api/users/me').set(bearer(first.token)).expect(200);
    await sql(`UPDATE sessions SET last_used_at = now() - interval '31 minutes' WHERE id = $1`, [first.sessionId]);
    expectEnvelope((await ctx.http.get('/api/users/me').set(bearer(first.token)).expect(401)).body, 401, 'TOKEN_EXPIRED');
    expectEnvelope(
      (await ctx.http.post('/api/token/refresh').send({ refreshToken: first.refreshToken }).expect(401)).body,
      401,
      'TOKEN_EXPIRED',
    );
    const rows = await sql<{ end_reason: string }>(`SELECT end_reason FROM sessions WHERE id = $1`, [first.sessionId]);
    expect(rows[0].end_reason).toBe('idle');
    const audit = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'session.idle_expired' AND details->>'sessionId' = $1`,
      [first.sessionId],
    );
    expect(audit[0].n).toBe(1);
    // the other session was in use: it goes on
    await ctx.http.get('/api/users/me').set(bearer(kept.token)).expect(200);
  });

  it('an idle refresh token alone ends its session too', async () => {
    const doctor = await verifiedDoctor(ctx);
    const first = await loginOf(doctor.email);
    await sql(`UPDATE sessions SET last_used_at = now() - interval '31 minutes' WHERE id = $1`, [first.sessionId]);
    expectEnvelope(
      (await ctx.http.post('/api/token/refresh').send({ refreshToken: first.refreshToken }).expect(401)).body,
      401,
      'TOKEN_EXPIRED',
    );
    expectEnvelope((await ctx.http.get('/api/users/me').set(bearer(first.token)).expect(401)).body, 401, 'TOKEN_EXPIRED');
  });
});
