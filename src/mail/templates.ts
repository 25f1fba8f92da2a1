import { MailMessage } from './mail.service';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function message(
  to: string,
  subject: string,
  greeting: string,
  lines: string[],
  action: string,
  link: string,
  footer: string,
): MailMessage {
  const text = [greeting, '', ...lines, '', `${action}: ${link}`, '', footer, '', '— MediSync'].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escape(greeting)}</p>${lines.map((l) => `<p>${escape(l)}</p>`).join('')}
<p><a href="${escape(link)}">${escape(action)}</a></p>
<p style="color:#666;font-size:small">${escape(footer)}<br>${escape(link)}</p>
<p>— MediSync</p></body></html>`;
  return { to, subject, text, html };
}

export function verificationMail(to: string, firstName: string, link: string): MailMessage {
  return message(
    to,
    'Verify your MediSync email address',
    `Hello ${firstName},`,
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
    `Hello ${firstName},`,
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
    `Hello ${firstName},`,
    ['Someone asked to reset the password of your MediSync account.'],
    'Choose a new password',
    link,
    'This link expires in 1 hour and works once. If you did not ask for it, ignore this email: your password stays as it is.',
  );
}
