/**
 * The languages Tessera speaks: an invitation's email and page are in one of these. Each has a
 * catalog in `catalogs/`, named by its BCP 47 tag.
 */
export const SUPPORTED_LOCALES = ['en', 'es', 'pt-BR', 'fr', 'de', 'it', 'nl', 'ja', 'zh-CN', 'ar'] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** Each language's name in itself, as the page's language menu offers it. */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  fr: 'Français',
  de: 'Deutsch',
  it: 'Italiano',
  nl: 'Nederlands',
  ja: '日本語',
  'zh-CN': '简体中文',
  ar: 'العربية',
};

const RIGHT_TO_LEFT: ReadonlySet<Locale> = new Set(['ar']);

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

export function direction(locale: Locale): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(locale) ? 'rtl' : 'ltr';
}

/** The refusal's wording, wherever a locale is given: the list of what is supported. */
export const UNSUPPORTED_LOCALE = `must be one of ${SUPPORTED_LOCALES.join(', ')}`;

/**
 * The supported locale that best answers a browser's `Accept-Language` (RFC 9110 weights): an
 * exact tag first, then its language alone (`pt-PT` finds `pt-BR`, `zh-TW` finds `zh-CN`, as the
 * closest written form offered). Undefined when nothing matches.
 */
export function negotiateLocale(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const wanted = header
    .split(',')
    .slice(0, 20)
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of wanted) {
    const exact = SUPPORTED_LOCALES.find((locale) => locale.toLowerCase() === tag);
    if (exact) return exact;
    const language = tag.split('-')[0];
    const near = SUPPORTED_LOCALES.find((locale) => locale.toLowerCase().split('-')[0] === language);
    if (near) return near;
  }
  return undefined;
}
