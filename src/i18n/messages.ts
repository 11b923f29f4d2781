import { IntlMessageFormat } from 'intl-messageformat';
import { escapeHtml } from '../email/templates/layout.js';
import { CATALOGS, type MessageKey } from './catalogs/index.js';
import { direction, type Locale } from './locales.js';

/** Markup that is safe as it is: a bold part handed back to the formatter, or a value given as markup. */
export class Markup {
  constructor(readonly value: string) {}
}

/**
 * A message's arguments: text (escaped in HTML), numbers (for plurals and number formats), and, for
 * HTML only, markup the caller built (a link).
 */
export type MessageValues = Readonly<Record<string, string | number | Markup>>;

const plainTags = { b: (chunks: unknown[]) => chunks.join('') };
const htmlTags = {
  b: (chunks: unknown[]) =>
    new Markup(
      `<strong>${chunks.map((chunk) => (chunk instanceof Markup ? chunk.value : escapeHtml(String(chunk)))).join('')}</strong>`,
    ),
};

/**
 * One locale's messages, compiled once per process (a message is parsed the first time it is
 * used, then kept): the email worker formats thousands of messages a second.
 */
export class Messages {
  readonly dir: 'ltr' | 'rtl';
  private readonly compiled = new Map<MessageKey, IntlMessageFormat>();
  private readonly dateFormats = new Map<string, Intl.DateTimeFormat>();
  private readonly formatted = new Map<string, string>();

  constructor(readonly locale: Locale) {
    this.dir = direction(locale);
  }

  private format(key: MessageKey): IntlMessageFormat {
    let format = this.compiled.get(key);
    if (!format) {
      format = new IntlMessageFormat(CATALOGS[this.locale][key], this.locale);
      this.compiled.set(key, format);
    }
    return format;
  }

  /** The message as plain text (bold marks dropped). Values go in as they are. */
  text(key: MessageKey, values: MessageValues = {}): string {
    return this.remembered('text', key, values, () => {
      const plain: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(values)) plain[name] = value instanceof Markup ? '' : value;
      return String(this.format(key).format({ ...plain, ...plainTags }));
    });
  }

  /**
   * The message as HTML: its text and every value escaped, bold parts in `<strong>`. Each text
   * value is isolated (`<bdi>`), so that a Latin name or address keeps its order inside Arabic.
   */
  html(key: MessageKey, values: MessageValues = {}): string {
    return this.remembered('html', key, values, () => {
      const isolated: Record<string, number | Markup> = {};
      for (const [name, value] of Object.entries(values)) {
        isolated[name] = typeof value === 'string' ? new Markup(`<bdi>${escapeHtml(value)}</bdi>`) : value;
      }
      const parts = this.format(key).format<Markup | string>({ ...isolated, ...htmlTags });
      const list = Array.isArray(parts) ? parts : [parts];
      return list.map((part) => (part instanceof Markup ? part.value : escapeHtml(String(part)))).join('');
    });
  }

  /**
   * A formatted message, remembered by its key and values: the emails of one batch repeat the same
   * organization, inviter, role and expiry minute, and formatting (some 10 µs a message) is what an
   * email's rendering spends most on. The most recent few hundred are kept.
   */
  private remembered(kind: 'text' | 'html', key: MessageKey, values: MessageValues, render: () => string): string {
    let id = `${kind}\u0000${key}`;
    for (const name in values) {
      const value = values[name]!;
      // JSON-quoted, so that no value can end early and pass for another's.
      id += `\u0000${name}\u0000${value instanceof Markup ? `<${JSON.stringify(value.value)}` : typeof value === 'number' ? `#${value}` : JSON.stringify(value)}`;
    }
    const known = this.formatted.get(id);
    if (known !== undefined) return known;
    const text = render();
    if (this.formatted.size >= FORMATTED_KEPT) this.formatted.delete(this.formatted.keys().next().value!);
    this.formatted.set(id, text);
    return text;
  }

  /**
   * A moment as a reader of this locale writes it, in the given IANA time zone, with the zone's
   * name so that nobody has to guess which clock it means (`lundi 7 décembre 2026 à 14:30 UTC+1`).
   */
  dateTime(iso: string, timeZone: string): string {
    let format = this.dateFormats.get(timeZone);
    if (format) {
      // Most recently used last: the first is the one to drop when the cache is full.
      this.dateFormats.delete(timeZone);
    } else {
      try {
        format = dateFormat(this.locale, timeZone);
      } catch {
        // A zone this Node no longer knows (stored under an older ICU) still gets a date, in UTC.
        return this.dateTime(iso, 'UTC');
      }
      if (this.dateFormats.size >= DATE_FORMATS_KEPT) this.dateFormats.delete(this.dateFormats.keys().next().value!);
    }
    this.dateFormats.set(timeZone, format);
    return format.format(new Date(iso));
  }
}

/** Formatted messages kept per locale (a few hundred bytes each). */
const FORMATTED_KEPT = 500;

/** Formatters kept per locale (each holds some 30 KB): the zones in use, not every zone there is. */
const DATE_FORMATS_KEPT = 64;

function dateFormat(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

const byLocale = new Map<Locale, Messages>();

/** The messages of a locale (one instance per locale per process). */
export function messagesFor(locale: Locale): Messages {
  let messages = byLocale.get(locale);
  if (!messages) {
    messages = new Messages(locale);
    byLocale.set(locale, messages);
  }
  return messages;
}

/**
 * Days left until `iso`, to the nearest day, for plural messages: a fresh 7-day invitation says
 * "in 7 days". Under a day left it is 0 ("in less than a day"), never "in 0 days" or "in 1 day".
 */
export function daysUntil(iso: string, now: Date): number {
  const left = Date.parse(iso) - now.getTime();
  return left < DAY_MS ? 0 : Math.round(left / DAY_MS);
}

const DAY_MS = 86_400_000;
