import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SUPPORTED_LOCALES } from '../../src/i18n/locales.js';
import { createClient } from '../../src/modules/clients/client.service.js';
import type { ReceivedMail } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import { bearer, platformToken, startTestApp, tokenFor, waitForOutboxIdle, type TestApp } from '../helpers/test-app.js';

const MAIL_FROM = 'Tessera Invitations <invitations@tessera.example>';

const DUPONT = {
  displayName: 'Ateliers Dupont',
  logoUrl: 'https://cdn.ateliers-dupont.example/brand/logo.png',
  accentColor: '#0f766e',
  supportEmail: 'aide@ateliers-dupont.example',
};

/** The options of `Messages.dateTime` (src/i18n/messages.ts), written out again to check it independently. */
function expectedDate(locale: string, timeZone: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The header section of a raw message, unfolded: one entry per header, in order. */
function rawHeaders(raw: string): Array<{ name: string; value: string }> {
  const end = raw.search(/\r?\n\r?\n/);
  const lines = raw.slice(0, end).split(/\r?\n/);
  const headers: Array<{ name: string; value: string }> = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers.at(-1)!.value += line;
    else {
      const colon = line.indexOf(':');
      headers.push({ name: line.slice(0, colon).toLowerCase(), value: line.slice(colon + 1).trim() });
    }
  }
  return headers;
}

/** Words of the French catalog (src/i18n/catalogs/fr.ts) the email must say. */
const FR = {
  subject: /^Marie Dupont vous invite à rejoindre Ateliers Dupont$/,
  action: 'Voir l’invitation',
  text: [
    'Bonjour,',
    'Marie Dupont vous invite à rejoindre Ateliers Dupont en tant que Member.',
    'Acceptez ou refusez l’invitation ici',
    'L’invitation expire le',
    'Écrivez à aide@ateliers-dupont.example.',
    'Si vous n’attendiez pas cette invitation, vous pouvez ignorer cet e-mail.',
  ],
  html: ['Bonjour,', 'vous invite à rejoindre', 'en tant que', 'Ou ouvrez ce lien', 'L’invitation expire le'],
};

interface Tenant {
  id: string;
  token: string;
  name: string;
}

for (const dialect of DIALECTS) {
  describe(`invitation emails in the invitation's language, with the organization's brand [${dialect}]`, () => {
    let t: TestApp;
    let platform: string;
    let counter = 0;

    before(async () => {
      t = await startTestApp(dialect, { MAIL_FROM }, { smtp: true });
      platform = await platformToken(t);
    });
    after(() => t.close());

    /** An organization whose owner, Marie Dupont, is the inviter its client's invitations name. */
    async function tenant(settings: Record<string, unknown>, name?: string): Promise<Tenant> {
      const n = ++counter;
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: {
          name: name ?? `Dupont SARL ${n}`,
          owner: { email: `marie.dupont.${n}@ateliers-dupont.example`, firstName: 'Marie', lastName: 'Dupont' },
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().organization.id as string;
      const client = await createClient(t.deps, { organizationId: id });
      const token = await tokenFor(t, client.clientId, client.clientSecret);
      const patched = await t.app.inject({
        method: 'PATCH',
        url: `/v1/organizations/${id}`,
        headers: bearer(token),
        payload: settings,
      });
      assert.equal(patched.statusCode, 200, patched.body);
      return { id, token, name: name ?? `Dupont SARL ${n}` };
    }

    /** Invites (the email sent), and returns the invitation and the email it received, parsed again from its source. */
    async function inviteAndReceive(o: Tenant, payload: { email: string } & Record<string, unknown>) {
      const earlier = t.smtp!.received.filter((mail) => mail.to === payload.email).length;
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.id}/invitations`,
        headers: bearer(o.token),
        payload,
      });
      assert.equal(response.statusCode, 201, response.body);
      const mail = (await t.smtp!.mailTo(payload.email, earlier + 1))[earlier]!;
      return { invitation: response.json(), mail, parsed: await simpleParser(mail.raw) };
    }

    function fromOf(parsed: Awaited<ReturnType<typeof simpleParser>>) {
      const from = parsed.from?.value ?? [];
      assert.equal(from.length, 1, 'one sender');
      return from[0]!;
    }

    test('French, in Paris time, with the brand: subject, text, HTML and the sender', async () => {
      const o = await tenant({ branding: DUPONT, timeZone: 'Europe/Paris' });
      const { invitation, mail, parsed } = await inviteAndReceive(o, {
        email: 'claire@example.com',
        locale: 'fr',
      });
      assert.equal(invitation.locale, 'fr');

      // The subject: French, naming the inviter and the brand's name (not the organization's own).
      assert.match(mail.subject, /Marie Dupont/);
      assert.match(mail.subject, /Ateliers Dupont/);
      assert.ok(!mail.subject.includes(o.name), mail.subject);
      assert.match(mail.subject, FR.subject, mail.subject);
      assert.doesNotMatch(mail.subject, /invited you/);

      // The expiry, in French and Paris time, computed here independently.
      const paris = expectedDate('fr', 'Europe/Paris', invitation.expiresAt);
      const utc = expectedDate('fr', 'UTC', invitation.expiresAt);
      assert.notEqual(paris, utc, 'Paris is never on UTC');

      // The text part.
      for (const words of FR.text) assert.ok(mail.text.includes(words), `text has "${words}":\n${mail.text}`);
      assert.ok(mail.text.includes(paris), `text has the expiry "${paris}":\n${mail.text}`);
      assert.ok(!mail.text.includes(utc), 'the expiry is not written in UTC');
      assert.ok(mail.text.includes(DUPONT.supportEmail), 'text has the support address');
      assert.doesNotMatch(mail.text, /invited you|expires on|View invitation/, 'no English');

      // The HTML part.
      const { html } = mail;
      assert.match(html, /<html lang="fr" dir="ltr">/);
      assert.ok(html.includes(`>${escapeHtml(FR.action)}</a>`), `the button says "${FR.action}"`);
      for (const words of FR.html) assert.ok(html.includes(escapeHtml(words)), `HTML has "${words}"`);
      assert.ok(html.includes(escapeHtml(paris)), `HTML has the expiry "${paris}"`);
      assert.ok(!html.includes(escapeHtml(utc)));
      const logo = /<img\b[^>]*>/.exec(html)?.[0];
      assert.ok(logo, 'the logo is shown');
      assert.ok(logo.includes(`src="${DUPONT.logoUrl}"`), logo);
      assert.ok(logo.includes('alt="Ateliers Dupont"'), logo);
      assert.match(logo, /\sheight="\d+"/);
      assert.ok(html.includes(`background:${DUPONT.accentColor}`), 'the button has the accent colour');
      assert.ok(html.includes(DUPONT.supportEmail), 'HTML has the support address');
      assert.doesNotMatch(html, /View invitation|invited you/, 'no English');

      // The sender: the brand's name, MAIL_FROM's address.
      const from = fromOf(parsed);
      assert.equal(from.name, 'Ateliers Dupont');
      assert.equal(from.address, 'invitations@tessera.example');
      const fromHeader = rawHeaders(mail.raw).find((header) => header.name === 'from')!;
      assert.doesNotMatch(fromHeader.value, /Tessera Invitations/);
    });

    test('Arabic: right to left, an Arabic subject', async () => {
      const o = await tenant({ branding: DUPONT, timeZone: 'Asia/Dubai' });
      const { invitation, mail } = await inviteAndReceive(o, { email: 'layla@example.com', locale: 'ar' });
      assert.equal(invitation.locale, 'ar');
      assert.match(mail.html, /<html lang="ar" dir="rtl">/);
      assert.match(mail.html, /<body dir="rtl"/);
      assert.match(mail.subject, /[\u0600-\u06ff]/, `an Arabic subject: ${mail.subject}`);
      assert.match(mail.text, /[\u0600-\u06ff]/);
      assert.ok(mail.text.includes(expectedDate('ar', 'Asia/Dubai', invitation.expiresAt)), mail.text);
    });

    test('an organization without a brand nor locale: English, UTC, Tessera look, MAIL_FROM unchanged but for the name', async () => {
      const o = await tenant({ timeZone: 'UTC' });
      const { invitation, mail, parsed } = await inviteAndReceive(o, { email: 'plain@example.com' });
      assert.equal(invitation.locale, 'en');
      assert.match(mail.html, /<html lang="en" dir="ltr">/);
      assert.match(mail.subject, new RegExp(`^Marie Dupont invited you to join ${o.name}$`));
      assert.ok(mail.text.includes(expectedDate('en', 'UTC', invitation.expiresAt)));
      assert.doesNotMatch(mail.html, /<img\b/, 'no logo');
      // Without a brand, the sender's name is the organization's.
      assert.equal(fromOf(parsed).name, o.name);
      assert.equal(fromOf(parsed).address, 'invitations@tessera.example');
    });

    test('every supported locale writes the email in its own language and direction', async () => {
      const o = await tenant({ branding: DUPONT, timeZone: 'America/Sao_Paulo' });
      const english = await inviteAndReceive(o, { email: 'locale.en@example.com', locale: 'en' });
      for (const locale of SUPPORTED_LOCALES) {
        if (locale === 'en') continue;
        const { invitation, mail } = await inviteAndReceive(o, { email: `locale.${locale}@example.com`, locale });
        assert.equal(invitation.locale, locale);
        const dir = locale === 'ar' ? 'rtl' : 'ltr';
        assert.ok(mail.html.includes(`<html lang="${locale}" dir="${dir}">`), `${locale}: lang and dir`);
        assert.notEqual(mail.subject, english.mail.subject, `${locale}: the subject is translated`);
        assert.ok(mail.subject.includes('Ateliers Dupont'), `${locale}: ${mail.subject}`);
        assert.ok(
          mail.text.includes(expectedDate(locale, 'America/Sao_Paulo', invitation.expiresAt)),
          `${locale}: the expiry in the locale's words, in São Paulo time:\n${mail.text}`,
        );
        assert.ok(mail.text.includes(DUPONT.supportEmail), `${locale}: the support address`);
      }
    });

    test('markup in the brand name and the message is escaped; the message is a quotation with its line breaks', async () => {
      // A brand's display name may not hold markup (it is the sender's name), but an organization's
      // name, given by the platform, may: with no display name, the email shows that name.
      const name = '<img src=x onerror=alert(1)> & Co';
      const o = await tenant({ branding: { ...DUPONT, displayName: null } }, name);
      const message = '<script>alert(1)</script>\nLine two';
      const { invitation, mail, parsed } = await inviteAndReceive(o, {
        email: 'escaped@example.com',
        locale: 'en',
        message,
      });
      assert.equal(invitation.message, message);

      const { html } = mail;
      assert.ok(!html.includes('<script'), 'no script element');
      assert.ok(!html.includes('<img src=x'), 'the name is not markup');
      assert.equal(html.match(/<img\b/g)?.length, 1, 'the only image is the logo');
      assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; Co'), 'the name appears escaped');
      assert.match(
        html,
        /<blockquote\b[^>]*>&lt;script&gt;alert\(1\)&lt;\/script&gt;<br>Line two<\/blockquote>/,
        'the message is a quotation, escaped, its line break kept',
      );
      assert.ok(html.includes(`alt="${escapeHtml(name)}"`), 'the alt text is escaped');

      const lines = mail.text.split('\n');
      assert.ok(lines.includes('> <script>alert(1)</script>'), mail.text);
      assert.ok(lines.includes('> Line two'), mail.text);

      // A name that could read as an address is not used as the sender's: MAIL_FROM's own name is.
      const from = fromOf(parsed);
      assert.equal(from.name, 'Tessera Invitations');
      assert.equal(from.address, 'invitations@tessera.example');
      assert.ok(mail.subject.includes(name), 'the subject is text, the name as it is');
    });

    test('no header injection: a brand name cannot hold CR/LF, and a message with CR/LF adds no header', async () => {
      const o = await tenant({ branding: DUPONT });
      for (const displayName of ['Evil\r\nBcc: victim@example.com', 'Evil\nBcc: victim@example.com', 'Evil\u2028Co']) {
        const refused = await t.app.inject({
          method: 'PATCH',
          url: `/v1/organizations/${o.id}`,
          headers: bearer(o.token),
          payload: { branding: { displayName } },
        });
        assert.equal(refused.statusCode, 400, refused.body);
        assert.ok(
          refused.json().errors.some((error: { field: string }) => error.field === 'branding.displayName'),
          refused.body,
        );
      }

      const control = await inviteAndReceive(o, { email: 'control@example.com', locale: 'en' });
      const injected = await inviteAndReceive(o, {
        email: 'target@example.com',
        locale: 'en',
        message: 'Hello\r\nBcc: victim@example.com\r\nSubject: You won\r\n\r\n<b>body</b>',
      });
      const headers = rawHeaders(injected.mail.raw);
      const names = headers.map((header) => header.name);
      assert.ok(!names.includes('bcc'), `no Bcc header: ${names.join(', ')}`);
      assert.deepEqual(
        names,
        rawHeaders(control.mail.raw).map((header) => header.name),
        'the same headers as without a message',
      );
      assert.equal(names.filter((name) => name === 'subject').length, 1);
      assert.doesNotMatch(injected.mail.subject, /[\r\n]/, 'the subject is one line');
      assert.doesNotMatch(injected.mail.subject, /You won/);
      assert.equal(injected.parsed.bcc, undefined);
      assert.deepEqual(
        injected.parsed.to && !Array.isArray(injected.parsed.to) ? injected.parsed.to.value.map((a) => a.address) : [],
        ['target@example.com'],
      );
      // The message stays in the body, quoted.
      assert.ok(injected.mail.text.split('\n').includes('> Bcc: victim@example.com'), injected.mail.text);

      await waitForOutboxIdle(t);
      const victims = t.smtp!.received.filter((mail: ReceivedMail) => /victim@example\.com/.test(mail.to));
      assert.equal(victims.length, 0, 'nothing reached the address in the message');
    });

    test('a re-send after the brand changed carries the new brand', async () => {
      const o = await tenant({ branding: DUPONT, timeZone: 'Europe/Paris' });
      const first = await inviteAndReceive(o, { email: 'resent@example.com', locale: 'fr' });
      assert.equal(fromOf(first.parsed).name, 'Ateliers Dupont');

      const rebrand = {
        displayName: 'Dupont & Fils',
        logoUrl: 'https://cdn.dupont-fils.example/logo.svg',
        accentColor: '#7c2d12',
        supportEmail: 'contact@dupont-fils.example',
      };
      const patched = await t.app.inject({
        method: 'PATCH',
        url: `/v1/organizations/${o.id}`,
        headers: bearer(o.token),
        payload: { branding: rebrand },
      });
      assert.equal(patched.statusCode, 200, patched.body);

      const resent = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.id}/invitations/${first.invitation.id}/resend`,
        headers: bearer(o.token),
        payload: {},
      });
      assert.equal(resent.statusCode, 200, resent.body);
      const second = (await t.smtp!.mailTo('resent@example.com', 2))[1]!;
      const parsed = await simpleParser(second.raw);
      assert.equal(fromOf(parsed).name, 'Dupont & Fils');
      assert.match(second.subject, /Dupont & Fils/);
      assert.ok(!second.subject.includes('Ateliers Dupont'));
      assert.match(second.html, /<html lang="fr" dir="ltr">/, 'still French');
      assert.ok(second.html.includes(`src="${rebrand.logoUrl}"`));
      assert.ok(second.html.includes(`background:${rebrand.accentColor}`));
      assert.ok(!second.html.includes(DUPONT.accentColor));
      assert.ok(second.html.includes(rebrand.supportEmail));
      assert.ok(second.text.includes(rebrand.supportEmail));
      assert.ok(!second.html.includes(DUPONT.logoUrl));
      assert.ok(!second.text.includes(DUPONT.supportEmail));
    });
  });
}
