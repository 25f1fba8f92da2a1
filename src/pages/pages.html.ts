import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../common/password-policy';

/**
 * The hosted account pages, rendered once at start: no request data is ever written into them (the
 * token stays in the address bar, where pages.js reads it), so there is nothing to escape. No inline
 * script or style: the CSP allows only this origin's files.
 */
export type PageName = 'verify-email' | 'reset-password' | 'accept-invitation';

const passwordFields = (submit: string) => `
  <form id="form" novalidate>
    <div class="field">
      <label for="password">New password</label>
      <input id="password" name="password" type="password" autocomplete="new-password" required
        minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}" aria-describedby="password-rules password-error">
      <ul id="password-rules" class="rules">
        <li>${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters</li>
        <li>an upper-case and a lower-case letter</li>
        <li>a digit</li>
        <li>not one of the most common passwords</li>
      </ul>
      <p id="password-error" class="error" hidden></p>
    </div>
    <div class="field">
      <label for="confirm">Repeat the new password</label>
      <input id="confirm" name="confirm" type="password" autocomplete="new-password" required aria-describedby="confirm-error">
      <p id="confirm-error" class="error" hidden></p>
    </div>
    <button type="submit">${submit}</button>
  </form>`;

const PAGES: Record<PageName, { title: string; intro: string; form: string }> = {
  'verify-email': {
    title: 'Confirm your email address',
    intro: 'One step left: confirm that this email address is yours to activate your MediSync account.',
    form: `
  <form id="form" novalidate>
    <button type="submit">Confirm my email</button>
  </form>`,
  },
  'reset-password': {
    title: 'Choose a new password',
    intro: 'Choose a new password for your MediSync account. Every device signed in with the old one is signed out.',
    form: passwordFields('Set my new password'),
  },
  'accept-invitation': {
    title: 'Join your patient portal',
    intro: 'Your doctor invited you to the MediSync patient portal. Choose a password for your account.',
    form: passwordFields('Create my account'),
  },
};

export function renderPage(name: PageName): string {
  const page = PAGES[name];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${page.title} · MediSync</title>
<link rel="stylesheet" href="/pages/assets/pages.css">
<script type="module" src="/pages/assets/pages.js"></script>
</head>
<body data-page="${name}">
<header class="top"><p class="brand">MediSync</p></header>
<main id="main">
  <h1 id="heading" tabindex="-1">${page.title}</h1>
  <p id="intro">${page.intro}</p>${page.form}
  <div id="status" role="status" aria-live="polite"></div>
  <noscript><p class="notice">This page needs JavaScript to send your answer. Turn it on and reload the page.</p></noscript>
</main>
</body>
</html>
`;
}
