import { AppException } from '../common/errors';
import { acceptedCookieToken, acceptSessionCookie, credentialOf, csrfTokenFor, SESSION_COOKIE, sessionCookieOf } from './cookie-auth';

describe('cookie sessions: reading the cookie and the CSRF rule', () => {
  const on = { authCookies: true };
  const off = { authCookies: false };

  it('finds the session cookie among others, and refuses a value that is no token', () => {
    expect(sessionCookieOf({ cookie: `a=1; ${SESSION_COOKIE}=x.y.z; b=2` })).toBe('x.y.z');
    expect(sessionCookieOf({ cookie: `${SESSION_COOKIE}=x.y.z` })).toBe('x.y.z');
    expect(sessionCookieOf({ cookie: 'medisync_session=x.y.z' })).toBeUndefined();
    expect(sessionCookieOf({ cookie: `${SESSION_COOKIE}=a b` })).toBeUndefined();
    expect(sessionCookieOf({ cookie: `${SESSION_COOKIE}=` })).toBeUndefined();
    expect(sessionCookieOf({})).toBeUndefined();
  });

  it('the Authorization header wins; the cookie counts only with AUTH_COOKIES', () => {
    const headers = { authorization: 'Bearer h.h.h', cookie: `${SESSION_COOKIE}=c.c.c` };
    expect(credentialOf({ headers }, on)).toEqual({ token: 'h.h.h', via: 'header' });
    expect(credentialOf({ headers: { cookie: headers.cookie } }, on)).toEqual({ token: 'c.c.c', via: 'cookie' });
    expect(credentialOf({ headers: { cookie: headers.cookie } }, off)).toBeUndefined();
    // a malformed header is not replaced by the cookie
    expect(credentialOf({ headers: { authorization: 'Basic x', cookie: headers.cookie } }, on)).toBeUndefined();
  });

  it('safe methods pass; unsafe ones need the CSRF token of that very cookie', () => {
    const cookie = `${SESSION_COOKIE}=c.c.c`;
    const get = { method: 'GET', headers: { cookie } };
    expect(acceptSessionCookie(get, on)).toBe(true);
    expect(acceptedCookieToken(get)).toBe('c.c.c');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(() => acceptSessionCookie({ method, headers: { cookie } }, on)).toThrow(AppException);
      expect(() => acceptSessionCookie({ method, headers: { cookie, 'x-csrf-token': csrfTokenFor('other') } }, on)).toThrow(
        'Invalid CSRF token',
      );
      expect(acceptSessionCookie({ method, headers: { cookie, 'x-csrf-token': csrfTokenFor('c.c.c') } }, on)).toBe(true);
    }
    expect(acceptSessionCookie({ method: 'POST', headers: { cookie } }, off)).toBe(false);
  });
});
