/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import type { Browser } from 'playwright-core';
import { PASSWORD, registration, startTestApp, TestContext, uniqueEmail, verifiedDoctor } from './support/app';
import { accessibilityProblems, launchBrowser, linkIn, onServer, screenshot, watchedPage } from './support/browser';

/**
 * The emailed links, opened as a person would, in Chromium: the hosted pages confirm an email, reset
 * a password and accept an invitation; each passes axe-core with no serious or critical violation,
 * breaks no CSP rule, and fits a phone's screen.
 */
describe('hosted account pages in a browser', () => {
  let ctx: TestContext;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    [ctx, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    base = (await ctx.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('a newcomer registers through the API, opens the emailed link and confirms on the page (opening it alone confirms nothing)', async () => {
    const email = uniqueEmail('newcomer');
    await ctx.http.post('/api/register').send(registration(email)).expect(201);
    const link = onServer(linkIn((await ctx.mailbox.waitFor(email)).text), base);
    const { page, problems, close } = await watchedPage(browser);
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Confirm your email address');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'page-verify-email');
    // the page is open, and the account is still unverified: only the button confirms
    await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(403);

    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.getByRole('status').getByText('Your email address is confirmed').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('heading');
    expect(await accessibilityProblems(page)).toEqual([]);
    await ctx.http.post('/api/login').send({ email, password: PASSWORD }).expect(200);

    // the same link again: spent
    await page.goto(link);
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.getByRole('status').getByText('already been used or has expired').waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  it('a link without its token says so, and offers no button', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await page.goto(`${base}/verify-email`);
    await page.getByRole('status').getByText('This link is incomplete').waitFor();
    expect(await page.getByRole('button').count()).toBe(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('resets a password through the emailed link, on a phone: the rules shown, errors in place, the old token revoked', async () => {
    const doctor = await verifiedDoctor(ctx);
    await ctx.http.post('/api/password/forgot').send({ email: doctor.email }).expect(202);
    const mail = await ctx.mailbox.waitFor(doctor.email, 2);
    expect(mail.subject).toBe('Reset your MediSync password');
    const { page, problems, close } = await watchedPage(browser, { viewport: { width: 375, height: 740 } });
    await page.goto(onServer(linkIn(mail.text), base));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Choose a new password');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'page-reset-password-phone');

    const password = page.getByLabel('New password', { exact: true });
    const confirm = page.getByLabel('Repeat the new password');
    // the rule, checked in the page: the message under the field, the field marked and focused
    await password.fill('short');
    await confirm.fill('short');
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText('must be 8 to 128 characters').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    // two different passwords
    await password.fill('New-Passw0rd-1');
    await confirm.fill('New-Passw0rd-2');
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText('The two passwords are not the same.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm');
    // the server's own rule (a most-common password), shown in place as well
    await password.fill('Password1');
    await confirm.fill('Password1');
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText('most common passwords; choose another').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);

    await password.fill('New-Passw0rd-9');
    await confirm.fill('New-Passw0rd-9');
    await confirm.press('Enter');
    await page.getByRole('status').getByText('Your password is changed').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await ctx.http.get('/api/users/me').set('Authorization', `Bearer ${doctor.token}`).expect(401);
    await ctx.http.post('/api/login').send({ email: doctor.email, password: PASSWORD }).expect(401);
    await ctx.http.post('/api/login').send({ email: doctor.email, password: 'New-Passw0rd-9' }).expect(200);
    expect(problems).toEqual([]);
    await close();
  });

  it('an invited patient accepts on the page and can log in', async () => {
    const doctor = await verifiedDoctor(ctx);
    const auth = { Authorization: `Bearer ${doctor.token}` };
    const patient = await ctx.http
      .post('/api/patients')
      .set(auth)
      .send({ firstName: 'Max', lastName: 'Mustermann', dateOfBirth: '1980-04-12' })
      .expect(201);
    const email = uniqueEmail('patient');
    await ctx.http.post(`/api/patients/${patient.body.data.id}/invite`).set(auth).send({ email }).expect(202);
    const { page, problems, close } = await watchedPage(browser);
    await page.goto(onServer(linkIn((await ctx.mailbox.waitFor(email)).text), base));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Join your patient portal');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'page-accept-invitation');
    // by keyboard alone: the fields and the button in tab order
    await page.getByLabel('New password', { exact: true }).focus();
    await page.keyboard.type('Patient-Passw0rd');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Patient-Passw0rd');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Create my account');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Your patient portal account is ready').waitFor();
    const login = await ctx.http.post('/api/login').send({ email, password: 'Patient-Passw0rd' }).expect(200);
    expect(login.body.role).toBe('patient');
    expect(problems).toEqual([]);
    await close();
  });
});
