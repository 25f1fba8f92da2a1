/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { SESSION_COOKIE } from '../src/auth/cookie-auth';
import { PASSWORD, startTestApp, TestContext, verifiedDoctor } from './support/app';
import { accessibilityProblems, launchBrowser, screenshot, watchedPage } from './support/browser';

const ADMIN = { email: 'it-admin@hospital.example', password: 'Admin-Passw0rd-2024' };

/**
 * The admin console at /admin in Chromium, as hospital IT would use it: sign in (cookie session),
 * find a doctor, disable them (their API token refused at once), grant a subscription, and find both
 * in the audit trail; the session cookie out of scripts' reach, and an unsafe request without the
 * CSRF header refused. axe-core on every view.
 */
describe('admin console in a browser', () => {
  let ctx: TestContext;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    [ctx, browser] = await Promise.all([
      startTestApp({ AUTH_COOKIES: 'true', BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password }),
      launchBrowser(),
    ]);
    base = await ctx.app.getUrl();
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('an admin signs in, finds a doctor, disables them (their token is refused at once), grants a subscription and sees both in the audit trail', async () => {
    const doctor = await verifiedDoctor(ctx);
    let token = doctor.token;
    const me = () => ctx.http.get('/api/users/me').set('Authorization', `Bearer ${token}`);
    await me().expect(200);

    const { page, problems, close } = await watchedPage(browser);
    await page.goto(`${base}/admin`);
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'console-sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('table').waitFor();

    // the session is an HttpOnly cookie: the page's scripts cannot read it
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
    expect(await accessibilityProblems(page)).toEqual([]);

    // find the doctor
    await page.getByLabel('Search by name or email').fill(doctor.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('cell', { name: doctor.email }).waitFor();
    expect(await page.getByRole('row').count()).toBe(2);
    await screenshot(page, 'console-users');
    await page.getByRole('link', { name: 'Dr. Jane Doe' }).click();
    await page.getByRole('heading', { name: 'Dr. Jane Doe', level: 1 }).waitFor();
    // the doctor's sessions: listed, then all ended (the doctor's token is refused at once)
    const sessions = page.getByRole('region', { name: 'Sessions' });
    await sessions.getByText('Open sessions').waitFor();
    expect(await sessions.getByRole('row').count()).toBe(2); // the header and the one login
    expect(await accessibilityProblems(page)).toEqual([]);
    await sessions.getByRole('button', { name: 'End all sessions' }).click();
    await sessions.getByText('Every session of this user is ended.').waitFor();
    await sessions.getByText('No open sessions.').waitFor();
    expect((await me().expect(401)).body.code).toBe('TOKEN_REVOKED');
    token = (await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(200)).body.token as string;
    await me().expect(200);

    // disable: the doctor's API token is refused on its very next request
    await page.getByRole('button', { name: 'Disable account' }).click();
    await page.getByRole('region', { name: 'Access' }).getByText('Account disabled').waitFor();
    const refused = await me().expect(401);
    expect(refused.body.code).toBe('TOKEN_REVOKED');

    // grant a subscription
    const subscription = page.getByRole('region', { name: 'Subscription' });
    await subscription.getByLabel('Plan').selectOption('enterprise');
    await subscription.getByLabel('Status').selectOption('active');
    await subscription.getByRole('button', { name: 'Save subscription' }).click();
    await subscription.getByText('Subscription saved: enterprise, active').waitFor();
    const activity = page.getByRole('region', { name: 'Recent activity' });
    await activity.getByText('subscription.changed').waitFor();
    await activity.getByText('user.disabled').waitFor();
    await screenshot(page, 'console-user');

    // the audit trail, filtered to this doctor
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.getByLabel('Target id').fill(doctor.uid);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('cell', { name: 'subscription.changed' }).waitFor();
    await page.getByRole('cell', { name: 'user.disabled' }).waitFor();
    // the action filter, by prefix
    await page.getByLabel('Action or its prefix').fill('subscription');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('Page 1 of 1 (1 in all)').waitFor();
    await page.getByRole('cell', { name: 'subscription.changed' }).waitFor();
    expect(await page.getByRole('cell', { name: 'user.disabled' }).count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.getByText(/Page 1 of \d+/).waitFor();
    await screenshot(page, 'console-audit');

    // a cookie-authenticated unsafe request without the CSRF header is refused, from the page itself
    const forged = await page.evaluate(async (id) => {
      const res = await fetch(`/api/admin/users/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ disabled: false }),
      });
      return { status: res.status, body: (await res.json()) as { code: string } };
    }, doctor.uid);
    expect(forged).toMatchObject({ status: 403, body: { code: 'CSRF_INVALID' } });
    await me().expect(401);

    // sign out: the cookie is gone, and a reload shows the sign-in form
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect((await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  it('a doctor cannot use the console; a wrong password is said in place', async () => {
    const doctor = await verifiedDoctor(ctx);
    const { page, problems, close } = await watchedPage(browser, { viewport: { width: 390, height: 800 } });
    await page.goto(`${base}/admin`);
    await page.getByLabel('Email').fill(doctor.email);
    await page.getByLabel('Password').fill('Wrong-Passw0rd');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Invalid email or password').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('This console is for administrators').waitFor();
    expect((await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  it('an admin with two-factor sign-in finishes with a recovery code (a wrong one is said in place)', async () => {
    // the admin enrols an authenticator app through the API
    const login = (await ctx.http.post('/api/login').send(ADMIN).expect(200)).body.token as string;
    const setup = await ctx.http
      .post('/api/mfa/totp/setup')
      .set('Authorization', `Bearer ${login}`)
      .send({ password: ADMIN.password })
      .expect(200);
    const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret as string), algorithm: 'SHA1', digits: 6, period: 30 });
    const confirm = await ctx.http
      .post('/api/mfa/totp/confirm')
      .set('Authorization', `Bearer ${login}`)
      .send({ code: totp.generate() })
      .expect(200);
    const [recoveryCode] = confirm.body.recoveryCodes as string[];

    const { page, problems, close } = await watchedPage(browser);
    await page.goto(`${base}/admin`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication', level: 1 }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill('WRONG-CODE-0000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').getByText('That code is not right. Try again.').waitFor();
    await page.getByLabel('Recovery code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect((await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)).toMatchObject({ httpOnly: true });
    expect(problems).toEqual([]);
    await close();
  });
});
