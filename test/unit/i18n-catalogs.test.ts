import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';
import { OperatorTemplates } from '../../src/email/operator-templates.js';
import { type InvitationEmailData, renderInvitationEmail } from '../../src/email/templates/invitation.js';
import { CATALOGS } from '../../src/i18n/catalogs/index.js';
import { direction, type Locale, negotiateLocale, SUPPORTED_LOCALES } from '../../src/i18n/locales.js';
import { messagesFor } from '../../src/i18n/messages.js';
import type { InvitationLookup } from '../../src/modules/invitations/invitation.invitee.js';
import { NO_BRANDING } from '../../src/modules/organizations/organization.branding.js';
import {
  acceptedPage,
  declinedPage,
  type FormContext,
  invalidLinkPage,
  invitationPage,
  wrongAccountPage,
} from '../../src/web/invite-page.js';
import { errorPage, type PageFailure, type PageLook } from '../../src/web/page-layout.js';

/**
 * Every catalog, and every rendering of the email and of the invitee's page in every locale: the
 * same keys everywhere, every message compiles, and no English is left in another language.
 */

const ENGLISH_KEYS = Object.keys(CATALOGS.en).sort();

/** Values a message may take: what the data carries, never words the test looks for. */
const VALUES = {
  inviter: 'Zoë Quistgaard',
  organization: 'Nimbus Kft',
  role: 'Quartermaster',
  name: 'Ximena',
  email: 'ximena@nimbus.example',
  signedInAs: 'zoe@nimbus.example',
  date: '2030-01-01',
  days: 3,
  max: 250,
  min: 8,
  id: 'req-7f3a',
};

/** The data's own words, removed from a rendering before it is searched for English. */
const DATA_WORDS = /Zoë|Quistgaard|Nimbus|Kft|Quartermaster|Ximena|Yusuf|nimbus\.example|req-7f3a|Tessera/g;

/**
 * Words the English catalog uses that are also, spelled the same, words of another language: found
 * in that language, they are its own, not English left over. Each is a word a native writer of that
 * language uses here (Italian product copy says "password"; Dutch says "link", "account", "open").
 */
const SHARED_WORDS: Partial<Record<Locale, readonly string[]>> = {
  fr: ['invitation', 'minute', 'moment', 'instant'],
  de: ['moment', 'minute', 'link'],
  it: ['password', 'link', 'account'],
  nl: ['link', 'account', 'open', 'letter', 'was', 'moment', 'minute'],
  es: [],
  'pt-BR': ['link'],
};

const WORD = /\p{L}{3,}/gu;

/** Every word of three letters or more that the English catalog writes itself, plural branches included. */
function englishWords(): Set<string> {
  const words = new Set<string>();
  for (const message of Object.values(CATALOGS.en)) {
    const text = message.replace(/\{\s*\w+\s*[,}]/g, ' ').replace(/<\/?b>|plural|other|one|number/g, ' ');
    for (const word of text.toLowerCase().match(WORD) ?? []) words.add(word);
  }
  return words;
}

const ENGLISH = englishWords();

function visibleText(html: string): string {
  return html
    .replace(/<(style|title)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ');
}

function englishLeft(locale: Locale, rendering: string): string[] {
  const shared = new Set(SHARED_WORDS[locale] ?? []);
  const text = rendering.replace(DATA_WORDS, ' ');
  const words = text.toLowerCase().match(WORD) ?? [];
  return [...new Set(words.filter((word) => ENGLISH.has(word) && !shared.has(word)))].map(
    (word) => `${locale}: "${word}"`,
  );
}

function lookup(locale: Locale, overrides: Partial<InvitationLookup> = {}): InvitationLookup {
  return {
    email: 'ximena@nimbus.example',
    organization: { id: '00000000-0000-4000-8000-000000000001', name: 'Nimbus Kft' },
    role: { id: '00000000-0000-4000-8000-000000000002', name: 'Quartermaster' },
    inviter: { name: 'Zoë Quistgaard' },
    firstName: 'Ximena',
    lastName: null,
    expiresAt: '2030-01-01T16:30:00.000Z',
    locale,
    message: 'Zoë Quistgaard\nNimbus Kft',
    look: {
      displayName: 'Nimbus Kft',
      branding: { ...NO_BRANDING, supportEmail: 'ximena@nimbus.example' },
      defaultLocale: null,
      timeZone: 'Europe/Paris',
    },
    signInRequired: false,
    passwordRequired: true,
    accountMayExist: false,
    ...overrides,
  };
}

/** The page in every state it has, in one locale. */
function everyPageState(locale: Locale): Array<[string, string]> {
  const m = messagesFor(locale);
  const look: PageLook = { messages: m, languageHref: (other) => `/invite/t?lang=${other}` };
  const context: FormContext = { token: 't', csrf: 'c', look };
  const pages: Array<[string, string]> = [
    ['new account', invitationPage(lookup(locale), context)],
    ['preset password', invitationPage(lookup(locale, { passwordRequired: false }), context)],
    ['link held by the inviter', invitationPage(lookup(locale, { accountMayExist: true }), context)],
    [
      'preset, held by the inviter',
      invitationPage(lookup(locale, { accountMayExist: true, passwordRequired: false }), context),
    ],
    ['sign in', invitationPage(lookup(locale, { signInRequired: true }), context)],
    ['signed in', invitationPage(lookup(locale), { ...context, signedInAs: 'zoe@nimbus.example' })],
    ['form error', invitationPage(lookup(locale), { ...context, error: { message: m.text('error.emailMismatch') } })],
    ['wrong account', wrongAccountPage(lookup(locale), { ...context, signedInAs: 'zoe@nimbus.example' })],
    ['invalid link', invalidLinkPage(look)],
    [
      'accepted',
      acceptedPage({ organization: 'Nimbus Kft', role: { name: 'Quartermaster' }, email: 'x@nimbus.example' }, look),
    ],
    ['declined', declinedPage('Nimbus Kft', look)],
  ];
  for (const failure of ['formExpired', 'tooManyAttempts', 'unavailable', 'internal', 'badForm'] as PageFailure[])
    pages.push([`failure ${failure}`, errorPage(failure, 'req-7f3a', look)]);
  return pages;
}

function email(locale: Locale): { subject: string; text: string; html: string } {
  const data: InvitationEmailData = {
    to: 'ximena@nimbus.example',
    locale,
    timeZone: 'Europe/Paris',
    inviterName: 'Zoë Quistgaard',
    organizationName: 'Nimbus Kft',
    roleName: 'Quartermaster',
    recipientName: 'Ximena',
    link: 'https://tessera.example/invite/req-7f3a',
    expiresAt: '2030-01-04T16:30:00.000Z',
    message: 'Zoë Quistgaard\nNimbus Kft',
    logoUrl: 'https://nimbus.example/logo.png',
    accentColor: '#0f766e',
    supportEmail: 'ximena@nimbus.example',
  };
  return renderInvitationEmail(data, new Date('2030-01-01T09:00:00.000Z'), OperatorTemplates.none);
}

describe('message catalogs', () => {
  test('every locale has a catalog with exactly the English keys', () => {
    assert.deepEqual(Object.keys(CATALOGS).sort(), [...SUPPORTED_LOCALES].sort());
    for (const locale of SUPPORTED_LOCALES) {
      const keys = Object.keys(CATALOGS[locale]).sort();
      const missing = ENGLISH_KEYS.filter((key) => !keys.includes(key));
      const extra = keys.filter((key) => !ENGLISH_KEYS.includes(key));
      assert.deepEqual({ locale, missing, extra }, { locale, missing: [], extra: [] });
    }
  });

  test('every message compiles, and formats with the arguments the English one takes', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const [key, message] of Object.entries(CATALOGS[locale])) {
        let format: IntlMessageFormat;
        try {
          format = new IntlMessageFormat(message, locale);
        } catch (error) {
          assert.fail(`${locale} ${key} does not compile: ${(error as Error).message}`);
        }
        for (const days of [0, 1, 2, 3, 11, 100]) {
          const out = format.format({ ...VALUES, days, b: (chunks: unknown[]) => chunks.join('') });
          assert.equal(typeof out, 'string', `${locale} ${key}`);
          assert.doesNotMatch(String(out), /[{}]|<\/?b>/, `${locale} ${key} left syntax in its output`);
        }
      }
    }
  });

  test('a message keeps the placeholders of the English one', () => {
    // An argument is a name followed by `,` or `}`; plural branches (`{in # days}`) are text.
    const placeholders = (message: string) =>
      [...new Set([...message.matchAll(/\{\s*(\w+)\s*[,}]/g)].map((match) => match[1]))].sort();
    for (const locale of SUPPORTED_LOCALES) {
      for (const [key, message] of Object.entries(CATALOGS[locale])) {
        const english = CATALOGS.en[key as keyof typeof CATALOGS.en];
        assert.deepEqual(placeholders(message), placeholders(english), `${locale} ${key}`);
        assert.equal((message.match(/<b>/g) ?? []).length, (english.match(/<b>/g) ?? []).length, `${locale} ${key}`);
      }
    }
  });

  test('the email and every state of the page leave no English in another language', () => {
    // The check finds English when it is there: the English renderings are full of it.
    assert.ok(englishLeft('en', email('en').text).length > 10);
    assert.ok(englishLeft('en', visibleText(everyPageState('en')[0]![1])).length > 10);

    const found: string[] = [];
    for (const locale of SUPPORTED_LOCALES.filter((locale) => locale !== 'en')) {
      const mail = email(locale);
      found.push(...englishLeft(locale, mail.subject), ...englishLeft(locale, mail.text));
      found.push(...englishLeft(locale, visibleText(mail.html)));
      for (const [state, page] of everyPageState(locale)) {
        found.push(...englishLeft(locale, visibleText(page)).map((word) => `${word} (${state})`));
      }
    }
    assert.deepEqual(found, []);
  });

  test('each page and email sets its language and direction', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const dir = direction(locale);
      assert.match(email(locale).html, new RegExp(`<html lang="${locale}" dir="${dir}">`));
      for (const [state, page] of everyPageState(locale))
        assert.match(page, new RegExp(`<html lang="${locale}" dir="${dir}">`), `${locale} ${state}`);
    }
    assert.equal(direction('ar'), 'rtl');
  });

  test("dates are written for the locale, in the organization's time zone", () => {
    // 16:30 UTC on 1 January 2030 is 17:30 in Paris and 01:30 the next day in Tokyo.
    const iso = '2030-01-01T16:30:00.000Z';
    assert.match(messagesFor('fr').dateTime(iso, 'Europe/Paris'), /mardi 1 janvier 2030.*17:30/);
    assert.match(messagesFor('ja').dateTime(iso, 'Asia/Tokyo'), /2030年1月2日.*1:30/);
    assert.match(messagesFor('en').dateTime(iso, 'UTC'), /Tuesday, January 1, 2030.*4:30/);
    assert.match(messagesFor('de').dateTime(iso, 'America/New_York'), /Dienstag, 1\. Januar 2030.*11:30/);
    // A zone stored under an older Node that this one does not know still gets a date: in UTC.
    assert.match(messagesFor('en').dateTime(iso, 'Mars/Olympus'), /Tuesday, January 1, 2030.*4:30.*UTC/);
  });

  test('plurals follow each language', () => {
    const expires = (locale: Locale, days: number) => messagesFor(locale).text('email.expires', { date: 'D', days });
    assert.match(expires('en', 1), /in 1 day\)/);
    assert.match(expires('en', 3), /in 3 days\)/);
    assert.match(expires('en', 0), /less than a day/);
    assert.notEqual(expires('ar', 2), expires('ar', 3).replace('3', '2'));
  });

  test("the browser's languages pick the nearest supported locale", () => {
    assert.equal(negotiateLocale('fr-CH, fr;q=0.9, en;q=0.8'), 'fr');
    assert.equal(negotiateLocale('pt-PT,pt;q=0.9'), 'pt-BR');
    assert.equal(negotiateLocale('zh-TW'), 'zh-CN');
    assert.equal(negotiateLocale('sv, de;q=0.5'), 'de');
    assert.equal(negotiateLocale('en;q=0, ja;q=0.1'), 'ja');
    assert.equal(negotiateLocale('sv'), undefined);
    assert.equal(negotiateLocale(undefined), undefined);
  });
});
