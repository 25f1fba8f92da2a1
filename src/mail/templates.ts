import { MailMessage } from './mail.service';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * User-supplied text (a name) appears only here: after the fixed greeting, inside quotation marks, on
 * a line of its own, escaped in HTML and stripped of line breaks and control characters in both parts.
 * Never in the subject, a link or the first words a reader sees, so a "name" cannot pose as our text.
 */
function addressee(name: string): string {
  const clean = name.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ').slice(0, 100);
  return `(This email is for the MediSync account of “${clean}”.)`;
}

function message(to: string, subject: string, name: string, lines: string[], action: string, link: string, footer: string): MailMessage {
  const greeting = 'Hello,';
  const paragraphs = [...lines, addressee(name)];
  const text = [greeting, '', ...paragraphs, '', `${action}: ${link}`, '', footer, '', '— MediSync'].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escape(greeting)}</p>${paragraphs.map((l) => `<p>${escape(l)}</p>`).join('')}
<p><a href="${escape(link)}">${escape(action)}</a></p>
<p style="color:#666;font-size:small">${escape(footer)}<br>${escape(link)}</p>
<p>— MediSync</p></body></html>`;
  return { to, subject, text, html };
}

export function verificationMail(to: string, firstName: string, link: string): MailMessage {
  return message(
    to,
    'Verify your MediSync email address',
    firstName,
    ['Please confirm your email address to activate your MediSync account.'],
    'Verify my email',
    link,
    'This link expires in 24 hours and works once. If you did not register, ignore this email.',
  );
}

export function invitationMail(to: string, firstName: string, link: string): MailMessage {
  return message(
    to,
    'Your MediSync patient portal invitation',
    firstName,
    ['Your doctor invited you to the MediSync patient portal, where you can read your appointments and medical records.'],
    'Accept the invitation and choose a password',
    link,
    'This link expires in 7 days and works once. If you were not expecting it, ignore this email.',
  );
}

export function passwordResetMail(to: string, firstName: string, link: string): MailMessage {
  return message(
    to,
    'Reset your MediSync password',
    firstName,
    ['Someone asked to reset the password of your MediSync account.'],
    'Choose a new password',
    link,
    'This link expires in 1 hour and works once. If you did not ask for it, ignore this email: your password stays as it is.',
  );
}

export function accountLockedMail(to: string, firstName: string, link: string): MailMessage {
  return message(
    to,
    'Your MediSync account was locked after failed logins',
    firstName,
    [
      'There were many failed attempts to log in to your MediSync account from different addresses, so logins with your email are blocked for 15 minutes.',
      'If that was not you, someone may be guessing your password: choose a new one with the link below.',
    ],
    'Choose a new password',
    link,
    'This link expires in 1 hour and works once. If it was you, wait 15 minutes and log in again; your password stays as it is.',
  );
}
