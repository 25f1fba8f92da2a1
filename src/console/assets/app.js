// @ts-check
/**
 * The MediSync admin console: sign-in (with the second factor when the account has one), users
 * (search, pages, one user: role, disable/enable, subscription, sessions, MFA reset, recent
 * activity) and the audit trail (filters, pages). Hash routes (#/users, #/users/<id>, #/audit) keep
 * it one page; everything goes through the public API (api.js).
 */
import { api, ApiError, csrfToken, query, setCsrfToken } from './api.js';
import { field, h, when } from './dom.js';

const ROLES = ['doctor', 'patient', 'admin'];
const PLANS = ['basic', 'professional', 'enterprise'];
const STATUSES = ['active', 'trialing', 'past_due', 'canceled', 'expired'];
const AUDIT_ACTIONS = [
  'login',
  'login.succeeded',
  'login.failed',
  'login.locked',
  'logout',
  'user',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'subscription',
  'subscription.changed',
  'password',
  'email.verified',
  'access.denied',
];
const PAGE_SIZE = 20;

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const whoName = /** @type {HTMLElement} */ (document.getElementById('who-name'));
const toast = /** @type {HTMLElement} */ (document.getElementById('toast'));

/** @typedef {{ id: string, email: string, role: string, title: string | null, firstName: string, lastName: string, specialty: string | null, emailVerified: boolean, disabled: boolean, createdAt: string }} AdminUser */

/** @type {{ id: string, name: string } | null} */
let me = null;
/** Users seen in lists, so that a user's page opens without another request. @type {Map<string, AdminUser>} */
const known = new Map();

/** Announces an outcome (a polite live region) and shows it for a while. */
function announce(/** @type {string} */ text, /** @type {'ok' | 'problem'} */ kind = 'ok') {
  toast.className = kind;
  toast.textContent = text;
  window.setTimeout(() => {
    if (toast.textContent === text) toast.textContent = '';
  }, 8000);
}

/** A message for an error answer, in words an administrator can act on. */
function explain(/** @type {unknown} */ error) {
  if (!(error instanceof ApiError)) return 'The server could not be reached. Check the connection and try again.';
  if (error.status === 401) return 'Your session has ended. Sign in again.';
  if (error.code === 'CSRF_INVALID') return 'This tab’s session is out of date. Sign in again.';
  if (error.code === 'VALIDATION_ERROR' && error.details.length)
    return `Check the form: ${error.details.map((d) => `${d.field} ${d.message}`).join('; ')}.`;
  return `${error.message} (${error.code}).`;
}

/** Shows a view: replaces the main region and moves focus to its heading, so screen readers announce it. */
function show(/** @type {string} */ title, /** @type {Node[]} */ ...content) {
  document.title = `${title} · MediSync admin console`;
  const heading = h('h1', { tabindex: -1 }, title);
  main.replaceChildren(heading, ...content);
  heading.focus();
}

/** An error from the API during a view: a 401 means signing in again. */
function failed(/** @type {unknown} */ error, /** @type {HTMLElement} */ where) {
  if (error instanceof ApiError && (error.status === 401 || error.code === 'CSRF_INVALID')) {
    signedOut();
    announce(explain(error), 'problem');
    return;
  }
  where.replaceChildren(h('p', { class: 'problem', role: 'alert' }, explain(error)));
}

// ——— sign-in ———

function signedOut() {
  me = null;
  setCsrfToken('');
  nav.hidden = true;
  who.hidden = true;
  renderSignIn();
}

function signedIn(/** @type {{ uid?: string, id?: string, firstName: string, lastName: string }} */ user) {
  me = { id: user.uid ?? user.id ?? '', name: `${user.firstName} ${user.lastName}` };
  whoName.textContent = `Signed in as ${me.name}`;
  nav.hidden = false;
  who.hidden = false;
  if (!location.hash || location.hash === '#/' || location.hash === '#/sign-in') location.hash = '#/users';
  else void route();
}

/** A login answer: only admins may stay. @param {any} login */
async function admitted(login) {
  setCsrfToken(login.csrfToken ?? '');
  if (login.role !== 'admin') {
    await api('POST', '/logout').catch(() => undefined);
    setCsrfToken('');
    return 'This console is for administrators. Your account is not an admin account.';
  }
  signedIn(login);
  announce('Signed in.');
  return '';
}

function renderSignIn() {
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const problem = h('p', { class: 'problem', role: 'alert', id: 'sign-in-problem' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', novalidate: true }, field('Email', email), field('Password', password), button, problem);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    problem.textContent = '';
    if (!email.value || !password.value) {
      problem.textContent = 'Enter your email and password.';
      (email.value ? password : email).focus();
      return;
    }
    button.disabled = true;
    api('POST', '/login', { email: email.value, password: password.value, cookie: true })
      .then(admitted, (/** @type {unknown} */ error) => {
        if (error instanceof ApiError && error.code === 'MFA_REQUIRED' && typeof error.body?.mfaToken === 'string') {
          renderSecondFactor(error.body.mfaToken);
          return '';
        }
        if (error instanceof ApiError && error.code === 'MFA_ENROLLMENT_REQUIRED')
          return 'Your account must set up two-factor authentication before it can sign in (POST /api/mfa/totp/setup).';
        if (error instanceof ApiError && error.details.some((d) => d.field === 'cookie'))
          return 'Cookie sign-in is off on this server. The console needs AUTH_COOKIES=true in its configuration.';
        // the server's own words: wrong password, unverified email, locked, too many attempts
        return error instanceof ApiError && error.code !== 'VALIDATION_ERROR' ? `${error.message}.` : explain(error);
      })
      .then((message) => {
        button.disabled = false;
        if (message) {
          problem.textContent = message;
          password.focus();
        }
      });
  });
  show('Sign in', h('p', {}, 'For MediSync administrators. Your session is kept in a secure cookie that scripts cannot read.'), form);
}

/** The second step for an account with MFA: a code from the authenticator app, or a recovery code. */
function renderSecondFactor(/** @type {string} */ mfaToken) {
  let recovery = false;
  const code = h('input', { id: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: true, maxlength: 64 });
  const label = h('label', { for: 'code' }, 'Code from your authenticator app');
  const problem = h('p', { class: 'problem', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Verify');
  const toggle = h('button', { type: 'button', class: 'quiet' }, 'Use a recovery code instead');
  toggle.addEventListener('click', () => {
    recovery = !recovery;
    label.textContent = recovery ? 'Recovery code' : 'Code from your authenticator app';
    code.setAttribute('inputmode', recovery ? 'text' : 'numeric');
    toggle.textContent = recovery ? 'Use a code from the app instead' : 'Use a recovery code instead';
    code.focus();
  });
  const form = h('form', { class: 'card narrow', novalidate: true }, h('div', { class: 'field' }, label, code), button, toggle, problem);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = code.value.trim();
    if (!value) {
      problem.textContent = 'Enter the code.';
      code.focus();
      return;
    }
    button.disabled = true;
    api('POST', '/login/mfa', { mfaToken, ...(recovery ? { recoveryCode: value } : { code: value }), cookie: true })
      .then(admitted, (/** @type {unknown} */ error) => {
        if (error instanceof ApiError && error.status === 401 && error.code !== 'INVALID_CREDENTIALS')
          return 'That step has expired or was tried too often. Sign in again.';
        return error instanceof ApiError && error.code === 'INVALID_CREDENTIALS' ? 'That code is not right. Try again.' : explain(error);
      })
      .then((message) => {
        button.disabled = false;
        if (message) {
          problem.textContent = message;
          code.focus();
        }
      });
  });
  show('Two-factor authentication', h('p', {}, 'Your account has a second factor. Enter a current code to finish signing in.'), form);
}

async function signOut() {
  try {
    await api('POST', '/logout');
  } catch {
    /* the session may have ended already; signed out either way */
  }
  signedOut();
  announce('Signed out.');
}

// ——— users ———

/** Pager for a list answer's `meta`. @param {{ page: number, limit: number, total: number }} meta @param {(page: number) => void} go */
function pager(meta, go) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.limit));
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', disabled: meta.page <= 1, onclick: () => go(meta.page - 1) }, 'Previous page'),
    h('span', {}, `Page ${meta.page} of ${pages} (${meta.total} in all)`),
    h('button', { type: 'button', disabled: meta.page >= pages, onclick: () => go(meta.page + 1) }, 'Next page'),
  );
}

const fullName = (/** @type {AdminUser} */ u) => [u.title, u.firstName, u.lastName].filter(Boolean).join(' ');

async function renderUsers(/** @type {URLSearchParams} */ params) {
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const search = h('input', { id: 'user-search', type: 'search', value: q, maxlength: 100 });
  const form = h(
    'form',
    { class: 'search', role: 'search' },
    field('Search by name or email', search),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/users${query({ q: search.value.trim() })}`;
  });
  const results = h('div', { 'aria-busy': 'true' }, h('p', {}, 'Loading users…'));
  show('Users', form, results);
  try {
    const res = await api('GET', `/admin/users${query({ q, page, limit: PAGE_SIZE })}`);
    /** @type {AdminUser[]} */
    const users = res.data;
    for (const u of users) known.set(u.id, u);
    const table = h(
      'table',
      {},
      h('caption', {}, q ? `Users matching “${q}”` : 'All users, oldest first'),
      h('thead', {}, h('tr', {}, ...['Name', 'Email', 'Role', 'Email verified', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        users.map((u) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: `#/users/${u.id}` }, fullName(u))),
            h('td', {}, u.email),
            h('td', {}, u.role),
            h('td', {}, u.emailVerified ? 'yes' : 'no'),
            h('td', {}, u.disabled ? h('span', { class: 'badge off' }, 'disabled') : h('span', { class: 'badge on' }, 'active')),
          ),
        ),
      ),
    );
    results.replaceChildren(
      users.length ? h('div', { class: 'scroll', tabindex: '0' }, table) : h('p', {}, 'No user matches.'),
      pager(res.meta, (p) => (location.hash = `#/users${query({ q, page: p })}`)),
    );
  } catch (error) {
    failed(error, results);
  } finally {
    results.removeAttribute('aria-busy');
  }
}

/** A section of the user page with its own heading and outcome line. */
function section(/** @type {string} */ title, /** @type {Node[]} */ ...content) {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...content);
}

/** Runs an action, with its button busy, and reports the outcome in `out`. */
async function act(/** @type {HTMLButtonElement} */ button, /** @type {HTMLElement} */ out, /** @type {() => Promise<string>} */ run) {
  button.disabled = true;
  out.className = 'outcome';
  out.textContent = 'Working…';
  try {
    const message = await run();
    out.textContent = message;
    announce(message);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.code === 'CSRF_INVALID')) return failed(error, out);
    out.className = 'outcome problem';
    out.textContent = explain(error);
  } finally {
    button.disabled = false;
  }
}

/** For the endpoints that came with sessions and MFA: a 404 on a server without them says so. */
function unavailable(/** @type {unknown} */ error, /** @type {string} */ what) {
  return error instanceof ApiError && error.status === 404 && error.message === 'Route not found'
    ? `${what} is not available on this server (its API answered 404).`
    : null;
}

async function renderUser(/** @type {string} */ id) {
  const user = known.get(id);
  if (!user) {
    show('User', h('p', {}, 'Open the user from the list of users.'), h('p', {}, h('a', { href: '#/users' }, 'Back to the users')));
    return;
  }
  const name = fullName(user);
  const facts = h(
    'dl',
    { class: 'facts' },
    ...[
      ['Email', user.email],
      ['Role', user.role],
      ['Email verified', user.emailVerified ? 'yes' : 'no'],
      ['Status', user.disabled ? 'disabled' : 'active'],
      ['Specialty', user.specialty ?? '—'],
      ['Registered', when(user.createdAt)],
      ['Id', user.id],
    ].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );

  // role
  const role = h('select', { id: 'role' }, ...ROLES.map((r) => h('option', { value: r, selected: r === user.role }, r)));
  const roleOut = h('p', { class: 'outcome', role: 'status' });
  const roleButton = h('button', { type: 'submit' }, 'Change role');
  const roleForm = h('form', {}, field('Role', role), roleButton, roleOut);
  roleForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void act(roleButton, roleOut, async () => {
      const res = await api('PATCH', `/admin/users/${id}`, { role: role.value });
      known.set(id, res.user);
      return `Role is now ${res.user.role}.`;
    });
  });

  // disable / enable
  const accessOut = h('p', { class: 'outcome', role: 'status' });
  const accessButton = h(
    'button',
    { type: 'button', class: user.disabled ? '' : 'danger' },
    user.disabled ? 'Enable account' : 'Disable account',
  );
  accessButton.addEventListener('click', () => {
    const current = known.get(id) ?? user;
    void act(accessButton, accessOut, async () => {
      const res = await api('PATCH', `/admin/users/${id}`, { disabled: !current.disabled });
      known.set(id, res.user);
      accessButton.textContent = res.user.disabled ? 'Enable account' : 'Disable account';
      accessButton.className = res.user.disabled ? '' : 'danger';
      return res.user.disabled ? 'Account disabled: every token of this user is refused from now on.' : 'Account enabled.';
    });
  });

  // subscription
  const inMonth = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const plan = h('select', { id: 'plan' }, ...PLANS.map((p) => h('option', { value: p, selected: p === 'professional' }, p)));
  const status = h('select', { id: 'sub-status' }, ...STATUSES.map((s) => h('option', { value: s }, s)));
  const until = h('input', { id: 'period-end', type: 'date', value: inMonth, required: true });
  const subOut = h('p', { class: 'outcome', role: 'status' });
  const grantButton = h('button', { type: 'submit' }, 'Save subscription');
  const endButton = h('button', { type: 'button', class: 'danger' }, 'End subscription now');
  const subForm = h(
    'form',
    {},
    h('div', { class: 'row' }, field('Plan', plan), field('Status', status), field('Period ends (end of that day, UTC)', until)),
    h('div', { class: 'row' }, grantButton, endButton),
    subOut,
  );
  subForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!until.value) {
      subOut.className = 'outcome problem';
      subOut.textContent = 'Choose the day the period ends.';
      until.focus();
      return;
    }
    void act(grantButton, subOut, async () => {
      const body = { plan: plan.value, status: status.value, currentPeriodEnd: `${until.value}T23:59:59Z` };
      const res = await api('PUT', `/admin/users/${id}/subscription`, body);
      void loadActivity();
      const s = res.subscription;
      return `Subscription saved: ${s.plan}, ${s.status}, until ${when(s.currentPeriodEnd)}${s.active ? '' : ' (not active)'}.`;
    });
  });
  endButton.addEventListener('click', () => {
    void act(endButton, subOut, async () => {
      await api('PUT', `/admin/users/${id}/subscription`, {
        plan: plan.value,
        status: 'canceled',
        currentPeriodEnd: new Date().toISOString(),
      });
      void loadActivity();
      return 'Subscription ended: canceled as of now.';
    });
  });

  // sessions (contract: Sessions, v2)
  const sessions = h('div', {}, h('p', {}, 'Loading sessions…'));
  const sessionsOut = h('p', { class: 'outcome', role: 'status' });
  const endSessions = h('button', { type: 'button', class: 'danger' }, 'End all sessions');
  const loadSessions = async () => {
    try {
      const res = await api('GET', `/admin/users/${id}/sessions`);
      /** @type {{ id: string, createdAt: string, lastUsedAt: string, expiresAt: string, ip: string | null, userAgent: string | null }[]} */
      const rows = res.data ?? [];
      sessions.replaceChildren(
        rows.length
          ? h(
              'div',
              { class: 'scroll', tabindex: '0' },
              h(
                'table',
                {},
                h('caption', {}, 'Open sessions'),
                h(
                  'thead',
                  {},
                  h('tr', {}, ...['Started', 'Last used', 'Expires', 'IP', 'Browser or app'].map((c) => h('th', { scope: 'col' }, c))),
                ),
                h(
                  'tbody',
                  {},
                  rows.map((s) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, when(s.createdAt)),
                      h('td', {}, when(s.lastUsedAt)),
                      h('td', {}, when(s.expiresAt)),
                      h('td', {}, s.ip ?? '—'),
                      h('td', {}, s.userAgent ?? '—'),
                    ),
                  ),
                ),
              ),
            )
          : h('p', {}, 'No open sessions.'),
      );
    } catch (error) {
      const missing = unavailable(error, 'The sessions list');
      endSessions.hidden = Boolean(missing);
      if (missing) sessions.replaceChildren(h('p', { class: 'notice' }, missing));
      else failed(error, sessions);
    }
  };
  endSessions.addEventListener('click', () => {
    void act(endSessions, sessionsOut, async () => {
      try {
        await api('DELETE', `/admin/users/${id}/sessions`);
      } catch (error) {
        const missing = unavailable(error, 'Ending sessions');
        if (missing) return missing;
        throw error;
      }
      void loadSessions();
      return 'Every session of this user is ended.';
    });
  });

  // MFA reset (contract: Multi-factor authentication, v2)
  const mfaOut = h('p', { class: 'outcome', role: 'status' });
  const mfaButton = h('button', { type: 'button', class: 'danger' }, 'Reset two-factor authentication');
  mfaButton.addEventListener('click', () => {
    void act(mfaButton, mfaOut, async () => {
      try {
        await api('DELETE', `/admin/users/${id}/mfa`);
      } catch (error) {
        const missing = unavailable(error, 'Resetting two-factor authentication');
        if (missing) return missing;
        throw error;
      }
      return 'Two-factor authentication is reset: the user signs in with the password alone and may set it up again.';
    });
  });

  // recent activity: the audit trail about this user
  const activity = h('div', {}, h('p', {}, 'Loading…'));
  const loadActivity = async () => {
    try {
      const res = await api('GET', `/admin/audit-events${query({ targetId: id, limit: 10 })}`);
      activity.replaceChildren(
        auditTable(res.data, 'Latest events about this user, newest first'),
        h('p', {}, h('a', { href: `#/audit${query({ targetId: id })}` }, 'All events about this user')),
      );
    } catch (error) {
      failed(error, activity);
    }
  };

  show(
    name,
    h('p', {}, h('a', { href: '#/users' }, 'Back to the users')),
    section('Account', facts),
    section('Role', roleForm),
    section('Access', h('p', {}, 'A disabled account cannot log in, and its tokens are refused at once.'), accessButton, accessOut),
    section('Subscription', subForm),
    section('Sessions', sessions, endSessions, sessionsOut),
    section('Two-factor authentication', h('p', {}, 'Reset when the user lost their authenticator and recovery codes.'), mfaButton, mfaOut),
    section('Recent activity', activity),
  );
  await Promise.all([loadSessions(), loadActivity()]);
}

// ——— audit trail ———

/** @param {any[]} events @param {string} caption */
function auditTable(events, caption) {
  if (!events.length) return h('p', {}, 'No events.');
  const person = (/** @type {string | null} */ uid) => {
    if (!uid) return '—';
    const u = known.get(uid);
    return u ? `${fullName(u)} (${u.email})` : uid;
  };
  return h(
    'div',
    { class: 'scroll', tabindex: '0' },
    h(
      'table',
      { class: 'audit' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...['When', 'Action', 'Actor', 'Target', 'IP', 'Details'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        events.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, when(e.createdAt)),
            h('td', {}, h('code', {}, e.action), e.count > 1 ? ` ×${e.count}` : ''),
            h('td', {}, person(e.actorId)),
            h('td', {}, person(e.targetId)),
            h('td', {}, e.ip ?? '—'),
            h('td', { class: 'details' }, e.details ? JSON.stringify(e.details) : '—'),
          ),
        ),
      ),
    ),
  );
}

/** `datetime-local` ↔ ISO-8601: the form shows local time, the API takes UTC. */
const toIso = (/** @type {string} */ local) => (local ? new Date(local).toISOString() : '');
const toLocal = (/** @type {string | null} */ iso) => {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};

async function renderAudit(/** @type {URLSearchParams} */ params) {
  const filters = {
    action: params.get('action') ?? '',
    actorId: params.get('actorId') ?? '',
    targetId: params.get('targetId') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const page = Number(params.get('page') ?? '1') || 1;
  const action = h('input', { id: 'f-action', value: filters.action, list: 'actions', maxlength: 64, autocomplete: 'off' });
  const actions = h('datalist', { id: 'actions' }, ...AUDIT_ACTIONS.map((a) => h('option', { value: a })));
  const actor = h('input', { id: 'f-actor', value: filters.actorId, maxlength: 36, autocomplete: 'off' });
  const target = h('input', { id: 'f-target', value: filters.targetId, maxlength: 36, autocomplete: 'off' });
  const from = h('input', { id: 'f-from', type: 'datetime-local', value: toLocal(filters.from) });
  const to = h('input', { id: 'f-to', type: 'datetime-local', value: toLocal(filters.to) });
  const form = h(
    'form',
    { class: 'card filters', 'aria-label': 'Filter the audit trail' },
    h(
      'div',
      { class: 'row' },
      field('Action or its prefix', action, 'e.g. login, user.disabled'),
      field('Actor id', actor),
      field('Target id', target),
      field('From (your time)', from),
      field('Until (your time)', to),
    ),
    actions,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('a', { href: '#/audit', class: 'button quiet' }, 'Clear filters'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/audit${query({
      action: action.value.trim(),
      actorId: actor.value.trim(),
      targetId: target.value.trim(),
      from: toIso(from.value),
      to: toIso(to.value),
    })}`;
  });
  const results = h('div', { 'aria-busy': 'true' }, h('p', {}, 'Loading events…'));
  show('Audit trail', form, results);
  try {
    const res = await api('GET', `/admin/audit-events${query({ ...filters, page, limit: PAGE_SIZE })}`);
    results.replaceChildren(
      auditTable(res.data, 'Events, newest first'),
      pager(res.meta, (p) => (location.hash = `#/audit${query({ ...filters, page: p })}`)),
    );
  } catch (error) {
    failed(error, results);
  } finally {
    results.removeAttribute('aria-busy');
  }
}

// ——— routing ———

async function route() {
  if (!me) return renderSignIn();
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  for (const link of nav.querySelectorAll('a')) {
    if (path.startsWith(link.getAttribute('href')?.slice(1) ?? '-')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const user = /^\/users\/([0-9a-f-]{36})$/i.exec(path);
  if (user) return renderUser(user[1]);
  if (path === '/audit') return renderAudit(params);
  return renderUsers(params);
}

window.addEventListener('hashchange', () => void route());
/** @type {HTMLButtonElement} */ (document.getElementById('sign-out')).addEventListener('click', () => void signOut());

/** At start: a tab that signed in before (its CSRF token kept) resumes, if the cookie's session is still valid. */
async function start() {
  if (!csrfToken()) return signedOut();
  try {
    const res = await api('GET', '/users/me');
    if (res.user?.role !== 'admin') return signedOut();
    signedIn(res.user);
  } catch {
    signedOut();
  }
}
void start();
