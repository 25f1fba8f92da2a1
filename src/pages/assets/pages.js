// @ts-check
/**
 * The hosted account pages' only script (a module, no inline code). It reads the emailed token from
 * the address, and spends it only when the person submits the form, through the public API.
 */

/** @typedef {{ success: false, error: string, code: string, statusCode: number, details?: { field: string, message: string }[] }} ApiError */

const page = document.body.dataset.page;
const token = new URLSearchParams(location.search).get('token') ?? '';
const form = /** @type {HTMLFormElement} */ (document.getElementById('form'));
const statusBox = /** @type {HTMLElement} */ (document.getElementById('status'));
const heading = /** @type {HTMLElement} */ (document.getElementById('heading'));
const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));

/** @param {string} text @param {'ok' | 'problem' | ''} kind */
function say(text, kind = '') {
  statusBox.className = kind;
  statusBox.textContent = text;
}

/** Shows the outcome in place of the form, and moves focus to the heading so it is read out. */
function finish(/** @type {string} */ text, /** @type {'ok' | 'problem'} */ kind) {
  form.hidden = true;
  say(text, kind);
  heading.focus();
}

/** @param {string} id @param {string} message */
function fieldError(id, message) {
  const input = /** @type {HTMLInputElement} */ (document.getElementById(id));
  const error = /** @type {HTMLElement} */ (document.getElementById(`${id}-error`));
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  error.textContent = message;
  error.hidden = !message;
}

/** The password rule, as the server checks it (the server also refuses the most common passwords). */
function passwordProblem(/** @type {string} */ value) {
  const length = [...value].length;
  if (length < 8 || length > 128) return 'The password must be 8 to 128 characters long.';
  if (!/\p{Lu}/u.test(value) || !/\p{Ll}/u.test(value) || !/\d/.test(value))
    return 'The password needs an upper-case letter, a lower-case letter and a digit.';
  return '';
}

/** @param {string} path @param {Record<string, string>} body @returns {Promise<{ ok: boolean, status: number, body: any }>} */
async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
  let json = null;
  try {
    json = await res.json();
  } catch {
    /* not JSON */
  }
  return { ok: res.ok, status: res.status, body: json };
}

/** The message for an error the page cannot show next to a field. @param {ApiError | null} error */
function problemText(error) {
  switch (error?.code) {
    case 'TOKEN_USED_OR_EXPIRED':
      return page === 'verify-email'
        ? 'This link has already been used or has expired. If your email is not confirmed yet, ask the app you registered with for a new link.'
        : 'This link has already been used or has expired. Ask for a new one.';
    case 'EMAIL_TAKEN':
      return 'An account with this email address already exists. Log in with it instead.';
    case 'RATE_LIMITED':
      return 'Too many attempts from this network. Wait a few minutes, then try again.';
    case 'VALIDATION_ERROR':
      return 'This link is incomplete. Open the whole link from the email again.';
    default:
      return `Something went wrong${error?.code ? ` (${error.code})` : ''}. Try again in a moment.`;
  }
}

const SUCCESS = {
  'verify-email': 'Your email address is confirmed. You can now log in to MediSync.',
  'reset-password': 'Your password is changed. Log in with your new password.',
  'accept-invitation': 'Your patient portal account is ready. Log in with your email address and the password you chose.',
};
const ENDPOINT = {
  'verify-email': '/api/verification/verify',
  'reset-password': '/api/password/reset',
  'accept-invitation': '/api/invitations/accept',
};

if (!token || (page !== 'verify-email' && page !== 'reset-password' && page !== 'accept-invitation')) {
  finish('This link is incomplete: it has no token. Open the whole link from the email again.', 'problem');
} else {
  const name = /** @type {'verify-email' | 'reset-password' | 'accept-invitation'} */ (page);
  const withPassword = name !== 'verify-email';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  async function submit() {
    /** @type {Record<string, string>} */
    const body = { token };
    if (withPassword) {
      const password = /** @type {HTMLInputElement} */ (document.getElementById('password'));
      const confirm = /** @type {HTMLInputElement} */ (document.getElementById('confirm'));
      const problem = passwordProblem(password.value);
      fieldError('password', problem);
      fieldError('confirm', !problem && confirm.value !== password.value ? 'The two passwords are not the same.' : '');
      if (problem) return password.focus();
      if (confirm.value !== password.value) return confirm.focus();
      body.password = password.value;
    }
    button.disabled = true;
    say('Sending…');
    try {
      const res = await post(ENDPOINT[name], body);
      if (res.ok) return finish(SUCCESS[name], 'ok');
      /** @type {ApiError | null} */
      const error = res.body;
      const passwordDetail = error?.details?.find((d) => d.field === 'password');
      if (withPassword && passwordDetail) {
        say('');
        fieldError('password', `The password ${passwordDetail.message}.`);
        /** @type {HTMLInputElement} */ (document.getElementById('password')).focus();
      } else if (error?.code === 'RATE_LIMITED') {
        say(problemText(error), 'problem');
      } else {
        finish(problemText(error), 'problem');
      }
    } catch {
      say('The server could not be reached. Check your connection and try again.', 'problem');
    } finally {
      button.disabled = false;
    }
  }
}
