const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** Tessera's own blue, when the organization has no accent colour. */
export const DEFAULT_ACCENT = '#1d4ed8';

/** How an email looks beyond its words: its language and direction, and the sender's brand. */
export interface EmailLook {
  lang: string;
  dir: 'ltr' | 'rtl';
  /** A `#rrggbb` colour with enough contrast for white text on it. */
  accent: string;
  /** The logo, shown above the text, with its alt text (the organization's name). */
  logo?: { url: string; alt: string } | undefined;
}

const ENGLISH: EmailLook = { lang: 'en', dir: 'ltr', accent: DEFAULT_ACCENT };

/**
 * The HTML frame every email shares: a centred card. The parts are already escaped HTML; the link
 * gets a button and, beside it, its text for mail programs that hide buttons.
 */
export function emailHtml(
  subject: string,
  parts: { intro: string; button: string; linkIntro: string; link: string; after: string },
  look: EmailLook = ENGLISH,
): string {
  const e = escapeHtml;
  const align = look.dir === 'rtl' ? 'right' : 'left';
  const logo = look.logo
    ? `        <p style="margin:0 0 24px"><img src="${e(look.logo.url)}" alt="${e(look.logo.alt)}" height="40" style="display:block;height:40px;width:auto;max-width:200px;border:0"></p>\n`
    : '';
  return `<!doctype html>
<html lang="${e(look.lang)}" dir="${look.dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(subject)}</title></head>
<body dir="${look.dir}" style="margin:0;padding:24px;background:#f4f4f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#18181b">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" dir="${look.dir}" style="max-width:480px;background:#ffffff;border-radius:12px;padding:32px">
      <tr><td align="${align}" style="text-align:${align}">
${logo}${parts.intro}
        <p style="margin:0 0 24px"><a href="${e(parts.link)}" style="display:inline-block;background:${look.accent};color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">${e(parts.button)}</a></p>
        <p style="margin:0 0 8px;font-size:14px;color:#52525b">${e(parts.linkIntro)} <a href="${e(parts.link)}" dir="ltr" style="color:${look.accent};word-break:break-all">${e(parts.link)}</a></p>
${parts.after}
      </td></tr>
    </table>
  </td></tr></table>
</body>
</html>
`;
}
