import { createHash } from 'node:crypto';
import { DEFAULT_ACCENT } from '../email/templates/layout.js';
import { LANGUAGE_NAMES, type Locale, SUPPORTED_LOCALES } from '../i18n/locales.js';
import { type Messages, messagesFor } from '../i18n/messages.js';
import type { MessageKey } from '../i18n/catalogs/index.js';
import { html, SafeHtml } from './html.js';

/** How a page looks beyond its words: its language, the languages it offers, and a brand. */
export interface PageLook {
  messages: Messages;
  /** The same page in another language, when it offers them (`?lang=`). */
  languageHref?: ((locale: Locale) => string) | undefined;
  /** A `#rrggbb` colour with enough contrast for white text on it. */
  accent?: string | null | undefined;
  logo?: { url: string; alt: string } | undefined;
}

export const ENGLISH_PAGE: PageLook = { messages: messagesFor('en') };

/** The one inline style a branded page has: its accent colour, allowed by its hash in the CSP. */
export function accentStyle(accent: string): string {
  return `:root{--accent:${accent}}`;
}

/**
 * What a branded page adds to the content security policy: the hash of its accent style and the
 * origin of its logo. Nothing else is allowed: no script, no other image, no other style.
 */
export function brandSources(look: PageLook): { style: string[]; img: string[] } {
  const accent = ownAccent(look);
  const style = accent ? [`'sha256-${createHash('sha256').update(accentStyle(accent)).digest('base64')}'`] : [];
  return { style, img: look.logo ? [new URL(look.logo.url).origin] : [] };
}

/** The page's accent when it is not the stylesheet's own: the one inline style, and its hash. */
function ownAccent(look: PageLook): string | undefined {
  return look.accent && look.accent !== DEFAULT_ACCENT ? look.accent : undefined;
}

/** A catalog message as page markup. */
export function say(m: Messages, key: MessageKey, values?: Parameters<Messages['html']>[1]): SafeHtml {
  return new SafeHtml(m.html(key, values));
}

function languageMenu(look: PageLook): SafeHtml | '' {
  const href = look.languageHref;
  if (!href) return '';
  const current = look.messages.locale;
  return html`<nav class="languages" aria-label="${look.messages.text('page.languages')}">
<ul>
${SUPPORTED_LOCALES.map((locale) =>
  locale === current
    ? html`<li><a href="${href(locale)}" lang="${locale}" hreflang="${locale}" aria-current="true">${LANGUAGE_NAMES[locale]}</a></li>\n`
    : html`<li><a href="${href(locale)}" lang="${locale}" hreflang="${locale}">${LANGUAGE_NAMES[locale]}</a></li>\n`,
)}</ul>
</nav>`;
}

export function layout(title: string, body: SafeHtml, look: PageLook = ENGLISH_PAGE): string {
  const m = look.messages;
  const accent = ownAccent(look);
  return html`<!doctype html>
<html lang="${m.locale}" dir="${m.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="/assets/tessera.css">
${accent ? html`<style>${new SafeHtml(accentStyle(accent))}</style>` : ''}
</head>
<body>
<main aria-labelledby="title">
${look.logo ? html`<img class="logo" src="${look.logo.url}" alt="${look.logo.alt}" height="40">` : ''}
${body}
</main>
${languageMenu(look)}
</body>
</html>
`.value;
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

interface FieldOptions {
  name: string;
  label: string;
  type?: string;
  value?: string | undefined;
  autocomplete: string;
  required?: boolean;
  readonly?: boolean;
  hint?: string;
  error?: string | undefined;
  autofocus?: boolean;
  maxlength?: number;
  minlength?: number;
  /** Text that reads left to right in any language (an address): `dir="ltr"`. */
  ltr?: boolean;
}

export function field(options: FieldOptions): SafeHtml {
  const id = `field-${options.name}`;
  const described = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
  <label for="${id}">${options.label}</label>
  <input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" autocomplete="${options.autocomplete}"${
    options.value !== undefined ? html` value="${options.value}"` : ''
  }${options.required ? html` required` : ''}${options.readonly ? html` readonly` : ''}${
    options.maxlength ? html` maxlength="${options.maxlength}"` : ''
  }${options.minlength ? html` minlength="${options.minlength}"` : ''}${options.autofocus ? html` autofocus` : ''}${
    options.ltr ? html` dir="ltr"` : ''
  }${options.error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>
  ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
  ${options.error ? html`<p class="field-error" id="${id}-error">${options.error}</p>` : ''}
</div>`;
}

/** The failures a page can end in, each a title and a message of the catalog. */
export type PageFailure = 'formExpired' | 'tooManyAttempts' | 'unavailable' | 'internal' | 'badForm';

export function errorPage(failure: PageFailure, requestId?: string, look: PageLook = ENGLISH_PAGE): string {
  const m = look.messages;
  const title = m.text(`failure.${failure}.title`);
  return layout(
    title,
    html`<h1 id="title">${title}</h1>
<p>${m.text(`failure.${failure}.message`)}</p>
${requestId ? html`<p class="muted">${say(m, 'failure.reference', { id: requestId })}</p>` : ''}`,
    look,
  );
}
