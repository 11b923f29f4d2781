import { daysUntil, messagesFor } from '../../i18n/messages.js';
import type { Locale } from '../../i18n/locales.js';
import { headerSafe } from '../mailer.js';
import type { InvitationTemplateVariables, OperatorTemplates } from '../operator-templates.js';
import { DEFAULT_ACCENT, emailHtml, escapeHtml } from './layout.js';

/** Everything the invitation email says and shows, as captured when the invitation was made or re-sent. */
export interface InvitationEmailData {
  to: string;
  locale: Locale;
  /** The organization's IANA time zone, which the expiry is written in. */
  timeZone: string;
  inviterName: string;
  /** The organization as it presents itself: its brand's display name, else its name. */
  organizationName: string;
  roleName: string;
  recipientName: string | null;
  link: string;
  expiresAt: string;
  /** The inviter's personal message (plain text, line breaks kept). */
  message: string | null;
  logoUrl: string | null;
  accentColor: string | null;
  supportEmail: string | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** What an operator's template sees: the same facts, the dates already written for the locale. */
export function templateVariables(data: InvitationEmailData, now: Date): InvitationTemplateVariables {
  const messages = messagesFor(data.locale);
  return {
    locale: data.locale,
    dir: messages.dir,
    link: data.link,
    invitation: {
      email: data.to,
      recipientName: data.recipientName,
      role: data.roleName,
      message: data.message,
      expiresAt: data.expiresAt,
      expiresAtText: messages.dateTime(data.expiresAt, data.timeZone),
      expiresInDays: daysUntil(data.expiresAt, now),
    },
    inviter: { name: data.inviterName },
    organization: {
      name: data.organizationName,
      logoUrl: data.logoUrl,
      accentColor: data.accentColor,
      supportEmail: data.supportEmail,
      timeZone: data.timeZone,
    },
  };
}

/**
 * The invitation email in the invitation's locale: subject, plain text and HTML. Every value is
 * escaped in the HTML, and none reaches a header raw. An operator's template (TEMPLATES_DIR)
 * replaces the built-in text of the part it covers.
 */
export function renderInvitationEmail(
  data: InvitationEmailData,
  now: Date,
  templates: OperatorTemplates,
): RenderedEmail {
  const locale = data.locale;
  if (!templates.has('subject', locale) && !templates.has('text', locale) && !templates.has('html', locale))
    return builtInInvitationEmail(data, now);
  const variables = templateVariables(data, now);
  const subject = templates.render('subject', locale, variables);
  const text = templates.render('text', locale, variables);
  const html = templates.render('html', locale, variables);
  // The built-in email is written only when a template leaves a part to it.
  const builtIn =
    subject === undefined || text === undefined || html === undefined ? builtInInvitationEmail(data, now) : undefined;
  return { subject: subject ?? builtIn!.subject, text: text ?? builtIn!.text, html: html ?? builtIn!.html };
}

function builtInInvitationEmail(data: InvitationEmailData, now: Date): RenderedEmail {
  const m = messagesFor(data.locale);
  const values = {
    inviter: headerSafe(data.inviterName),
    organization: headerSafe(data.organizationName),
    role: headerSafe(data.roleName),
    name: data.recipientName ? headerSafe(data.recipientName) : '',
    email: data.supportEmail ?? '',
    date: m.dateTime(data.expiresAt, data.timeZone),
    days: daysUntil(data.expiresAt, now),
  };
  const subject = m.text('email.subject', values);
  const greeting = data.recipientName ? 'email.greetingNamed' : 'email.greeting';
  const quoted = data.message?.split('\n') ?? [];

  const text = [
    m.text(greeting, values),
    '',
    m.text('email.summary', values),
    '',
    ...(quoted.length ? [m.text('email.messageFrom', values), ...quoted.map((line) => `> ${line}`), ''] : []),
    m.text('email.textLinkIntro', values),
    data.link,
    '',
    m.text('email.expires', values),
    '',
    ...(data.supportEmail ? [m.text('email.support', values), ''] : []),
    m.text('email.ignore', values),
    '',
  ].join('\n');

  const accent = data.accentColor ?? DEFAULT_ACCENT;
  const side = m.dir === 'rtl' ? 'right' : 'left';
  const quotation = quoted.length
    ? `        <p style="margin:0 0 8px;font-size:14px;color:#52525b">${m.html('email.messageFrom', values)}</p>
        <blockquote dir="auto" style="margin:0 0 24px;padding:12px 16px;background:#f8fafc;border-${side}:4px solid ${accent};font-size:15px;line-height:1.5;overflow-wrap:anywhere">${quoted.map(escapeHtml).join('<br>')}</blockquote>\n`
    : '';
  const support = data.supportEmail
    ? `        <p style="margin:8px 0 0;font-size:13px;color:#52525b">${m.html('email.support', values)}</p>\n`
    : '';
  const html = emailHtml(
    subject,
    {
      intro: `        <p style="margin:0 0 16px;font-size:16px">${m.html(greeting, values)}</p>
        <p style="margin:0 0 24px;font-size:16px;line-height:1.5">${m.html('email.summary', values)}</p>
${quotation}`,
      button: m.text('email.action'),
      linkIntro: m.text('email.linkFallback'),
      link: data.link,
      after: `        <p style="margin:0 0 8px;font-size:14px;color:#52525b">${m.html('email.expires', values)}</p>
${support}        <p style="margin:16px 0 0;font-size:13px;color:#71717a">${m.html('email.ignore', values)}</p>`,
    },
    {
      lang: data.locale,
      dir: m.dir,
      accent,
      logo: data.logoUrl ? { url: data.logoUrl, alt: data.organizationName } : undefined,
    },
  );
  return { subject, text, html };
}
