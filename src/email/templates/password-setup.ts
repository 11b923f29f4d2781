import { escapeHtml } from './invitation.js';

export interface PasswordSetupEmailData {
  link: string;
  /** How long the link works, in minutes. */
  validMinutes: number;
}

/** The password-setup email: a link that proves the mailbox and lets its owner choose a password. */
export function renderPasswordSetupEmail(data: PasswordSetupEmailData): { subject: string; text: string; html: string } {
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
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#18181b">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border-radius:12px;padding:32px">
      <tr><td>
        <p style="margin:0 0 16px;font-size:16px">Hi,</p>
        <p style="margin:0 0 24px;font-size:16px;line-height:1.5">Someone asked to set the password of the account that uses this email address.</p>
        <p style="margin:0 0 24px"><a href="${e(data.link)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">Choose a password</a></p>
        <p style="margin:0 0 8px;font-size:14px;color:#52525b">Or open this link: <a href="${e(data.link)}" style="color:#1d4ed8;word-break:break-all">${e(data.link)}</a></p>
        <p style="margin:0 0 8px;font-size:14px;color:#52525b">The link works once, for ${data.validMinutes} minutes. Choosing a password signs out every other session of the account.</p>
        <p style="margin:16px 0 0;font-size:13px;color:#71717a">If you didn't ask for this, you can ignore this email: nothing changes.</p>
      </td></tr>
    </table>
  </td></tr></table>
</body>
</html>
`;
  return { subject, text, html };
}
