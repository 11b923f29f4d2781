import { headerSafe } from '../mailer.js';
import { emailHtml, escapeHtml } from './layout.js';

export interface InvitationEmailData {
  inviterName: string;
  organizationName: string;
  roleName: string;
  recipientName: string | null;
  link: string;
  expiresAt: string;
}

export { escapeHtml } from './layout.js';

// Built once: toLocaleDateString with options builds a new formatter on each call, which cost
// 12% of the email worker's time (a CPU profile of the delivery benchmark).
const EXPIRY_DAY = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
const EXPIRY_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formatExpiry(iso: string): string {
  const date = new Date(iso);
  return `${EXPIRY_DAY.format(date)} at ${EXPIRY_TIME.format(date)} UTC`;
}

/** The invitation email, in plain text and HTML. Every value is escaped; none reaches a header raw. */
export function renderInvitationEmail(data: InvitationEmailData): { subject: string; text: string; html: string } {
  const inviter = headerSafe(data.inviterName);
  const organization = headerSafe(data.organizationName);
  const role = headerSafe(data.roleName);
  const expires = formatExpiry(data.expiresAt);
  const greeting = data.recipientName ? `Hi ${headerSafe(data.recipientName)},` : 'Hi,';
  const subject = `${inviter} invited you to join ${organization}`;

  const text = [
    greeting,
    '',
    `${inviter} invited you to join ${organization} as ${role}.`,
    '',
    'Accept or decline the invitation here:',
    data.link,
    '',
    `The invitation expires on ${expires}.`,
    '',
    "If you weren't expecting this invitation, you can ignore this email.",
    '',
  ].join('\n');

  const e = escapeHtml;
  const html = emailHtml(subject, {
    intro: `        <p style="margin:0 0 16px;font-size:16px">${e(greeting)}</p>
        <p style="margin:0 0 24px;font-size:16px;line-height:1.5"><strong>${e(inviter)}</strong> invited you to join <strong>${e(organization)}</strong> as <strong>${e(role)}</strong>.</p>`,
    button: 'View invitation',
    link: data.link,
    after: `        <p style="margin:0 0 8px;font-size:14px;color:#52525b">The invitation expires on ${e(expires)}.</p>
        <p style="margin:16px 0 0;font-size:13px;color:#71717a">If you weren't expecting this invitation, you can ignore this email.</p>`,
  });
  return { subject, text, html };
}
