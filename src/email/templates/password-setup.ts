import { emailHtml, escapeHtml } from './layout.js';

export interface PasswordSetupEmailData {
  link: string;
  /** How long the link works, in minutes. */
  validMinutes: number;
}

/** The password-setup email: a link that proves the mailbox and lets its owner choose a password. */
export function renderPasswordSetupEmail(data: PasswordSetupEmailData): {
  subject: string;
  text: string;
  html: string;
} {
  const subject = 'Set your password';
  const text = [
    'Hi,',
    '',
    'Someone asked to set the password of the account that uses this email address. To choose one, open this link:',
    data.link,
    '',
    `The link works once, for ${data.validMinutes} minutes. Choosing a password signs out every other session of the account.`,
    '',
    "If you didn't ask for this, you can ignore this email: nothing changes.",
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = emailHtml(subject, {
    intro: `        <p style="margin:0 0 16px;font-size:16px">Hi,</p>
        <p style="margin:0 0 24px;font-size:16px;line-height:1.5">Someone asked to set the password of the account that uses this email address.</p>`,
    button: 'Choose a password',
    linkIntro: 'Or open this link:',
    link: data.link,
    after: `        <p style="margin:0 0 8px;font-size:14px;color:#52525b">The link works once, for ${e(String(data.validMinutes))} minutes. Choosing a password signs out every other session of the account.</p>
        <p style="margin:16px 0 0;font-size:13px;color:#71717a">If you didn't ask for this, you can ignore this email: nothing changes.</p>`,
  });
  return { subject, text, html };
}
