const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/**
 * The HTML frame every email shares: a centred card. `body` is already escaped HTML; the link
 * gets a button and, beside it, its text for mail programs that hide buttons.
 */
export function emailHtml(
  subject: string,
  parts: { intro: string; button: string; link: string; after: string },
): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#18181b">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border-radius:12px;padding:32px">
      <tr><td>
${parts.intro}
        <p style="margin:0 0 24px"><a href="${e(parts.link)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">${e(parts.button)}</a></p>
        <p style="margin:0 0 8px;font-size:14px;color:#52525b">Or open this link: <a href="${e(parts.link)}" style="color:#1d4ed8;word-break:break-all">${e(parts.link)}</a></p>
${parts.after}
      </td></tr>
    </table>
  </td></tr></table>
</body>
</html>
`;
}
