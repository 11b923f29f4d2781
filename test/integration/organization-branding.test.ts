import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createFingerprinter, type Fingerprint } from '../helpers/db-fingerprint.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  inviteAndGetLink,
  platformToken,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

/** What any write would change (row counts, latest timestamps): equal before and after means nothing was written. */
async function snapshot(t: TestApp): Promise<Fingerprint> {
  return (await createFingerprinter(t.deps.db, t.database.dialect)).take();
}

interface FieldProblem {
  field: string;
  message: string;
}

/** Asserts a 400 in the native problem format (RFC 9457) naming `field`; returns that field's message. */
function assertRefused(response: LightMyRequestResponse, field: string, context: string): string {
  assert.equal(response.statusCode, 400, `${context} -> ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, context);
  const body = response.json();
  assert.equal(body.status, 400, context);
  assert.equal(body.code, 'VALIDATION_FAILED', context);
  assert.equal(typeof body.type, 'string', context);
  assert.equal(typeof body.title, 'string', context);
  const named = (body.errors as FieldProblem[] | undefined)?.find((error) => error.field === field);
  assert.ok(named, `${context}: expected an error naming ${field}, got ${response.body}`);
  return named.message;
}

const BRAND = {
  displayName: 'Acme Studio',
  logoUrl: 'https://cdn.acme.example/brand/logo.png',
  accentColor: '#0f766e',
  supportEmail: 'help@acme.example',
};

for (const dialect of DIALECTS) {
  describe(`organization branding, default locale and time zone [${dialect}]`, () => {
    let t: TestApp;
    let platform: string;
    let org: TestOrganization;
    let other: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect);
      platform = await platformToken(t);
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
    });
    after(() => t.close());

    const patch = (o: TestOrganization, payload: unknown, token = o.token) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/organizations/${o.organization.id}`,
        headers: bearer(token),
        payload: payload as InjectOptions['payload'],
      });

    async function view(o: TestOrganization): Promise<any> {
      const response = await t.app.inject({ url: `/v1/organizations/${o.organization.id}`, headers: bearer(o.token) });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    }

    /** The organization's `organization.updated` events, oldest first. */
    async function updatedEvents(o: TestOrganization): Promise<Array<{ data: any }>> {
      const events: Array<{ data: any }> = [];
      let after = '';
      for (;;) {
        const response = await t.app.inject({
          url: `/v1/organizations/${o.organization.id}/events?types=organization.updated&limit=100${after}`,
          headers: bearer(o.token),
        });
        assert.equal(response.statusCode, 200, response.body);
        const { data, nextAfter } = response.json();
        events.push(...data);
        if (data.length === 0) return events;
        after = `&after=${encodeURIComponent(nextAfter)}`;
      }
    }

    async function invitationsOf(o: TestOrganization): Promise<any[]> {
      const response = await t.app.inject({
        url: `/v1/organizations/${o.organization.id}/invitations?limit=100`,
        headers: bearer(o.token),
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json().data;
    }

    async function invite(o: TestOrganization, payload: Record<string, unknown>) {
      return t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.organization.id}/invitations`,
        headers: bearer(o.token),
        payload: { sendEmail: false, ...payload },
      });
    }

    test('PATCH sets the brand, default locale and time zone; GET shows them; the change is an event', async () => {
      const fresh = await view(org);
      assert.deepEqual(fresh.branding, { displayName: null, logoUrl: null, accentColor: null, supportEmail: null });
      assert.equal(fresh.defaultLocale, null);
      assert.equal(fresh.timeZone, 'UTC');
      const eventsBefore = (await updatedEvents(org)).length;

      const response = await patch(org, { branding: BRAND, defaultLocale: 'ja', timeZone: 'Asia/Tokyo' });
      assert.equal(response.statusCode, 200, response.body);
      const changed = response.json();
      assert.deepEqual(changed.branding, BRAND);
      assert.equal(changed.defaultLocale, 'ja');
      assert.equal(changed.timeZone, 'Asia/Tokyo');
      assert.equal(changed.name, fresh.name, 'the name stays');
      assert.equal(changed.owner.id, fresh.owner.id, 'the owner stays');
      assert.deepEqual(await view(org), changed, 'GET shows what PATCH answered');

      const events = await updatedEvents(org);
      assert.equal(events.length, eventsBefore + 1, 'one organization.updated event');
      assert.deepEqual(events.at(-1)!.data, changed, 'the event carries the new view');
    });

    test('null clears a brand field; a field absent stays as it was', async () => {
      await patch(org, { branding: BRAND, defaultLocale: 'ja', timeZone: 'Asia/Tokyo' });

      const cleared = await patch(org, { branding: { logoUrl: null } });
      assert.equal(cleared.statusCode, 200, cleared.body);
      assert.deepEqual(cleared.json().branding, { ...BRAND, logoUrl: null });
      assert.equal(cleared.json().defaultLocale, 'ja');
      assert.equal(cleared.json().timeZone, 'Asia/Tokyo');

      const zoneOnly = await patch(org, { timeZone: 'Europe/Paris' });
      assert.equal(zoneOnly.statusCode, 200, zoneOnly.body);
      assert.deepEqual(zoneOnly.json().branding, { ...BRAND, logoUrl: null }, 'the brand is untouched');
      assert.equal(zoneOnly.json().defaultLocale, 'ja');
      assert.equal(zoneOnly.json().timeZone, 'Europe/Paris');

      const accentOnly = await patch(org, { branding: { accentColor: '#1E3A8A' } });
      assert.equal(accentOnly.statusCode, 200, accentOnly.body);
      assert.deepEqual(accentOnly.json().branding, { ...BRAND, logoUrl: null, accentColor: '#1e3a8a' });
      // Just dark enough for white text: 4.54:1.
      const threshold = await patch(org, { branding: { accentColor: '#767676' } });
      assert.equal(threshold.statusCode, 200, threshold.body);
      assert.equal(threshold.json().branding.accentColor, '#767676');

      // A zone is kept in the spelling of the IANA database.
      const spelled = await patch(org, { timeZone: 'europe/paris' });
      assert.equal(spelled.statusCode, 200, spelled.body);
      assert.equal(spelled.json().timeZone, 'Europe/Paris');

      const back = await patch(org, {
        branding: { displayName: null, accentColor: null, supportEmail: null },
        defaultLocale: null,
        timeZone: null,
      });
      assert.equal(back.statusCode, 200, back.body);
      assert.deepEqual(back.json().branding, {
        displayName: null,
        logoUrl: null,
        accentColor: null,
        supportEmail: null,
      });
      assert.equal(back.json().defaultLocale, null);
      assert.equal(back.json().timeZone, 'UTC', 'no time zone is UTC');
      assert.deepEqual(await view(org), back.json());
    });

    test('a time zone is stored in one spelling per zone, whatever the letter case or alias given', async () => {
      const resolved = (zone: string) => new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
      try {
        for (const zone of ['Asia/Kolkata', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires', 'US/Pacific']) {
          const stored = new Set<string>();
          for (const spelling of [zone, zone.toLowerCase(), zone.toUpperCase()]) {
            const response = await patch(org, { timeZone: spelling });
            assert.equal(response.statusCode, 200, response.body);
            stored.add(response.json().timeZone);
          }
          // One name for the three spellings (a tenant cannot store 2^n variants of one zone), and
          // the zone it names is the one given.
          assert.equal(stored.size, 1, `${zone}: ${[...stored].join(', ')}`);
          assert.equal(resolved([...stored][0]!), resolved(zone));
        }
      } finally {
        await patch(org, { timeZone: null });
      }
    });

    test('two brand changes at once both land (each merges into the brand the other wrote)', async () => {
      for (let round = 0; round < 20; round++) {
        await patch(org, { branding: { displayName: null, supportEmail: null } });
        const [name, support] = await Promise.all([
          patch(org, { branding: { displayName: `Acme ${round}` } }),
          patch(org, { branding: { supportEmail: `help-${round}@acme.example` } }),
        ]);
        assert.equal(name.statusCode, 200, name.body);
        assert.equal(support.statusCode, 200, support.body);
        const { branding } = await view(org);
        assert.equal(branding.displayName, `Acme ${round}`, `round ${round}`);
        assert.equal(branding.supportEmail, `help-${round}@acme.example`, `round ${round}`);
      }
      await patch(org, { branding: { displayName: null, supportEmail: null } });
    });

    test('each refusal is a 400 naming its field, and nothing is written', async () => {
      await patch(org, { branding: BRAND, defaultLocale: 'nl', timeZone: 'America/New_York' });
      const shown = await view(org);
      const eventsBefore = (await updatedEvents(org)).length;
      const before = await snapshot(t);

      const cases: Array<{ payload: unknown; field: string; message?: RegExp }> = [
        // Light blue: white text on it has a contrast of about 1.7:1.
        { payload: { branding: { accentColor: '#7dd3fc' } }, field: 'branding.accentColor', message: /contrast/i },
        // Mid grey #777777 is 4.48:1, just under the line (#767676, 4.54:1, is accepted below).
        { payload: { branding: { accentColor: '#777777' } }, field: 'branding.accentColor', message: /contrast/i },
        { payload: { branding: { accentColor: 'teal' } }, field: 'branding.accentColor' },
        { payload: { branding: { displayName: '   ' } }, field: 'branding.displayName' },
        { payload: { branding: { displayName: 'PayPal <service@paypal.com>' } }, field: 'branding.displayName' },
        {
          payload: { branding: { displayName: '=?utf-8?Q?Bank=0D=0AX-Injected:_yes?=' } },
          field: 'branding.displayName',
        },
        { payload: { name: 'PayPal \u202emoc.lapyap@ecivres' }, field: 'name' },
        // The logo's origin goes into the page's content security policy: nothing but a host name.
        { payload: { branding: { logoUrl: 'https://*/logo.png' } }, field: 'branding.logoUrl' },
        { payload: { branding: { logoUrl: 'https://a.example;sandbox/x.png' } }, field: 'branding.logoUrl' },
        { payload: { branding: { logoUrl: 'https://a.example,script-src/x.png' } }, field: 'branding.logoUrl' },
        // A right-to-left override would make the sender's name read as another ("Acme" shown as "emcA").
        {
          payload: { branding: { displayName: 'Pay\u202eemca' } },
          field: 'branding.displayName',
          message: /bidirectional/,
        },
        { payload: { timeZone: 'Mars/Olympus' }, field: 'timeZone' },
        { payload: { timeZone: '+01:00' }, field: 'timeZone' },
        { payload: { branding: { logoUrl: 'http://cdn.acme.example/logo.png' } }, field: 'branding.logoUrl' },
        { payload: { branding: { logoUrl: 'javascript:alert(1)' } }, field: 'branding.logoUrl' },
        {
          payload: { branding: { logoUrl: 'https://user:pass@cdn.acme.example/logo.png' } },
          field: 'branding.logoUrl',
        },
        { payload: { branding: { logoUrl: 'logo.png' } }, field: 'branding.logoUrl' },
        { payload: { branding: { supportEmail: 'not-an-address' } }, field: 'branding.supportEmail' },
        { payload: { branding: { displayName: 'Acme\r\nBcc: victim@example.com' } }, field: 'branding.displayName' },
        { payload: { branding: { colour: '#000000' } }, field: 'branding.colour' },
        { payload: { defaultLocale: 'xx' }, field: 'defaultLocale', message: /pt-BR.*zh-CN|zh-CN.*pt-BR/ },
      ];
      for (const { payload, field, message } of cases) {
        const context = JSON.stringify(payload);
        const said = assertRefused(await patch(org, payload), field, context);
        if (message) assert.match(said, message, context);
        if (field === 'defaultLocale') {
          for (const locale of ['en', 'es', 'pt-BR', 'fr', 'de', 'it', 'nl', 'ja', 'zh-CN', 'ar'])
            assert.ok(said.includes(locale), `the supported locales are listed: ${said}`);
        }
      }

      // Several bad fields: each is named, in one answer.
      const several = await patch(org, {
        branding: { accentColor: '#7dd3fc', logoUrl: 'http://cdn.acme.example/logo.png' },
        timeZone: 'Mars/Olympus',
      });
      for (const field of ['branding.accentColor', 'branding.logoUrl', 'timeZone'])
        assertRefused(several, field, 'several bad fields');

      // A good field beside a bad one is not written either.
      assertRefused(
        await patch(org, { branding: { displayName: 'Half Written' }, timeZone: 'Mars/Olympus' }),
        'timeZone',
        'a good field beside a bad one',
      );

      // An empty change is no change.
      const empty = await patch(org, {});
      assert.equal(empty.statusCode, 400, empty.body);
      assert.equal(empty.json().code, 'VALIDATION_FAILED');

      assert.deepEqual(await view(org), shown, 'GET shows the organization unchanged');
      assert.equal((await updatedEvents(org)).length, eventsBefore, 'no organization.updated event');
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
    });

    test("another organization's client cannot PATCH it: answered as GET answers a foreign organization", async () => {
      const otherShown = await view(other);
      const before = await snapshot(t);
      const foreignGet = await t.app.inject({
        url: `/v1/organizations/${other.organization.id}`,
        headers: bearer(org.token),
      });
      const foreign = await patch(other, { branding: { displayName: 'Taken Over' } }, org.token);
      const missing = await t.app.inject({
        method: 'PATCH',
        url: `/v1/organizations/${randomUUID()}`,
        headers: bearer(org.token),
        payload: { branding: { displayName: 'Taken Over' } },
      });
      assert.equal(foreign.statusCode, foreignGet.statusCode, foreign.body);
      assert.equal(foreign.statusCode, 404);
      assert.equal(foreign.json().code, foreignGet.json().code);
      const { requestId: _a, ...foreignProblem } = foreign.json();
      const { requestId: _b, ...missingProblem } = missing.json();
      assert.deepEqual(foreignProblem, missingProblem, 'a foreign organization looks like one that does not exist');
      assert.deepEqual(await view(other), otherShown);
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
    });

    test('a member without organization:manage cannot PATCH; the Owner can', async () => {
      // An Administrator holds every permission but organization:manage.
      const { token } = await inviteAndGetLink(t, other, {
        email: 'admin.of.other@example.com',
        roleName: 'Administrator',
        sendEmail: false,
      });
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: 'Admin-passw0rd!' },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const adminSession = accepted.json().session.token as string;

      const shown = await view(other);
      const eventsBefore = (await updatedEvents(other)).length;
      const before = await snapshot(t);
      const refused = await patch(other, { branding: { accentColor: '#000000' }, defaultLocale: 'fr' }, adminSession);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().code, 'FORBIDDEN');
      assert.match(refused.json().detail, /organization:manage/);
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
      assert.deepEqual(await view(other), shown);
      assert.equal((await updatedEvents(other)).length, eventsBefore);

      const owner = await patch(other, { branding: { accentColor: '#000000' } }, await sessionFor(t, other));
      assert.equal(owner.statusCode, 200, owner.body);
      assert.equal(owner.json().branding.accentColor, '#000000');
    });

    test('POST /v1/organizations takes defaultLocale and timeZone, and refuses bad ones', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: { name: 'Padaria Brasil', defaultLocale: 'pt-BR', timeZone: 'America/Sao_Paulo' },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().organization.defaultLocale, 'pt-BR');
      assert.equal(created.json().organization.timeZone, 'America/Sao_Paulo');
      assert.deepEqual(created.json().organization.branding, {
        displayName: null,
        logoUrl: null,
        accentColor: null,
        supportEmail: null,
      });
      const read = await t.app.inject({
        url: `/v1/organizations/${created.json().organization.id}`,
        headers: bearer(platform),
      });
      assert.equal(read.json().defaultLocale, 'pt-BR');
      assert.equal(read.json().timeZone, 'America/Sao_Paulo');

      const plain = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: { name: 'Plain Defaults' },
      });
      assert.equal(plain.statusCode, 201, plain.body);
      assert.equal(plain.json().organization.defaultLocale, null);
      assert.equal(plain.json().organization.timeZone, 'UTC');

      const before = await snapshot(t);
      const cases: Array<{ payload: Record<string, unknown>; field: string }> = [
        { payload: { name: 'Bad Locale', defaultLocale: 'klingon' }, field: 'defaultLocale' },
        { payload: { name: 'Bad Zone', timeZone: 'Mars/Olympus' }, field: 'timeZone' },
        { payload: { name: 'Offset Zone', timeZone: '+01:00' }, field: 'timeZone' },
      ];
      for (const { payload, field } of cases) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/v1/organizations',
          headers: bearer(platform),
          payload,
        });
        const said = assertRefused(response, field, JSON.stringify(payload));
        if (field === 'defaultLocale') assert.match(said, /pt-BR/);
      }
      assert.deepEqual(await snapshot(t), before, 'no organization was created');
    });

    test("an invitation speaks the locale it is given, else the organization's default, else DEFAULT_LOCALE", async () => {
      const o = await createTestOrganization(t);
      const given = await invite(o, { email: 'given.ja@example.com', locale: 'ja' });
      assert.equal(given.statusCode, 201, given.body);
      assert.equal(given.json().locale, 'ja');
      const read = await t.app.inject({
        url: `/v1/organizations/${o.organization.id}/invitations/${given.json().id}`,
        headers: bearer(o.token),
      });
      assert.equal(read.json().locale, 'ja', 'the view of the invitation shows its locale');

      const serviceDefault = await invite(o, { email: 'service.default@example.com' });
      assert.equal(serviceDefault.statusCode, 201, serviceDefault.body);
      assert.equal(serviceDefault.json().locale, 'en', 'DEFAULT_LOCALE is en unless configured');

      assert.equal((await patch(o, { defaultLocale: 'nl' })).statusCode, 200);
      const orgDefault = await invite(o, { email: 'org.default@example.com' });
      assert.equal(orgDefault.json().locale, 'nl', "the organization's default locale");
      const overridden = await invite(o, { email: 'override.ar@example.com', locale: 'ar' });
      assert.equal(overridden.json().locale, 'ar', 'a locale given wins over the default');

      // Earlier invitations keep the locale they were made with.
      const listed = new Map((await invitationsOf(o)).map((invitation) => [invitation.email, invitation.locale]));
      assert.equal(listed.get('service.default@example.com'), 'en');
      assert.equal(listed.get('given.ja@example.com'), 'ja');
    });

    test('an unsupported locale is a 400 naming locale and the supported ones; nothing is written', async () => {
      const o = await createTestOrganization(t);
      const before = await snapshot(t);
      const said = assertRefused(
        await invite(o, { email: 'klingon@example.com', locale: 'klingon' }),
        'locale',
        'locale klingon',
      );
      for (const locale of ['en', 'pt-BR', 'zh-CN', 'ar']) assert.ok(said.includes(locale), said);
      assert.deepEqual(await invitationsOf(o), [], 'no invitation was created');
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
    });

    test('bulk items each take their own locale and message; an item refused is that item alone', async () => {
      const o = await createTestOrganization(t);
      await patch(o, { defaultLocale: 'es' });
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.organization.id}/invitations/bulk`,
        headers: bearer(o.token),
        payload: {
          invitations: [
            { email: 'bulk.fr@example.com', locale: 'fr', message: 'Bienvenue !\nÀ bientôt.', sendEmail: false },
            { email: 'bulk.zh@example.com', locale: 'zh-CN', sendEmail: false },
            { email: 'bulk.default@example.com', message: 'Hola', sendEmail: false },
            { email: 'bulk.badrole@example.com', locale: 'de', roleName: 'Pope', sendEmail: false },
          ],
        },
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.deepEqual(body.summary, { requested: 4, created: 3, failed: 1 });
      const [fr, zh, byDefault, refused] = body.results;
      assert.equal(fr.status, 201);
      assert.equal(fr.invitation.locale, 'fr');
      assert.equal(fr.invitation.message, 'Bienvenue !\nÀ bientôt.');
      assert.equal(zh.invitation.locale, 'zh-CN');
      assert.equal(zh.invitation.message, null);
      assert.equal(byDefault.invitation.locale, 'es', "an item without a locale takes the organization's");
      assert.equal(byDefault.invitation.message, 'Hola');
      assert.equal(refused.status, 400);
      assert.equal(refused.error.code, 'UNKNOWN_ROLE');
      const listed = new Map((await invitationsOf(o)).map((invitation) => [invitation.email, invitation]));
      assert.equal(listed.size, 3);
      assert.equal(listed.get('bulk.fr@example.com').locale, 'fr');
      assert.equal(listed.get('bulk.fr@example.com').message, 'Bienvenue !\nÀ bientôt.');
      assert.ok(!listed.has('bulk.badrole@example.com'));
    });

    test('bulk: an unsupported locale in an item is refused by the schema, naming that item', async () => {
      // The body's schema checks every item before any is made (as it does a malformed address): the
      // request is a 400 that names the item's field, and nothing is written, the good items neither.
      const o = await createTestOrganization(t);
      const before = await snapshot(t);
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.organization.id}/invitations/bulk`,
        headers: bearer(o.token),
        payload: {
          invitations: [
            { email: 'bulk.good@example.com', locale: 'it', sendEmail: false },
            { email: 'bulk.klingon@example.com', locale: 'klingon', sendEmail: false },
          ],
        },
      });
      const said = assertRefused(response, 'invitations[1].locale', 'bulk with a klingon item');
      assert.match(said, /pt-BR/);
      assert.deepEqual(await invitationsOf(o), []);
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
    });

    test('message: 500 characters accepted, 501 refused, line breaks kept, control characters refused', async () => {
      const o = await createTestOrganization(t);
      // Characters, not bytes nor UTF-16 units: accented letters and an emoji each count as one.
      const longest = `${'é'.repeat(249)}😀${'x'.repeat(250)}`;
      assert.equal([...longest].length, 500);
      const accepted = await invite(o, { email: 'longest@example.com', message: longest });
      assert.equal(accepted.statusCode, 201, accepted.body);
      assert.equal(accepted.json().message, longest);

      const lines = await invite(o, { email: 'lines@example.com', message: 'First line\nSecond line\r\nThird line' });
      assert.equal(lines.statusCode, 201, lines.body);
      assert.equal(lines.json().message, 'First line\nSecond line\nThird line', 'line breaks kept (CRLF as LF)');
      const read = await t.app.inject({
        url: `/v1/organizations/${o.organization.id}/invitations/${lines.json().id}`,
        headers: bearer(o.token),
      });
      assert.equal(read.json().message, 'First line\nSecond line\nThird line');

      const none = await invite(o, { email: 'none@example.com' });
      assert.equal(none.json().message, null);

      const before = await snapshot(t);
      assertRefused(await invite(o, { email: 'too.long@example.com', message: `${longest}x` }), 'message', '501');
      assertRefused(
        await invite(o, { email: 'bell@example.com', message: 'Ring the bell \u0007 now' }),
        'message',
        'a BEL in the message',
      );
      assertRefused(
        await invite(o, { email: 'escape@example.com', message: 'Colour \u001b[31m red' }),
        'message',
        'an ESC in the message',
      );
      assertRefused(
        await invite(o, { email: 'bidi@example.com', message: 'Pay to \u202eevil\u202c now' }),
        'message',
        'a bidi override in the message',
      );
      assert.deepEqual(await snapshot(t), before, 'nothing was written');
      assert.deepEqual((await invitationsOf(o)).map((invitation) => invitation.email).sort(), [
        'lines@example.com',
        'longest@example.com',
        'none@example.com',
      ]);
    });

    test("the documented surfaces invite in the organization's default locale", async () => {
      const o = await createTestOrganization(t);
      assert.equal((await patch(o, { defaultLocale: 'fr' })).statusCode, 200);
      const memberRoleId = o.roles.find((role) => role.name === 'Member')!.id;

      const usersV1 = await t.app.inject({
        method: 'POST',
        url: '/users/v1/invites',
        headers: bearer(o.token),
        payload: { roleId: memberRoleId, email: 'surface.users@example.com' },
      });
      assert.equal(usersV1.statusCode, 200, usersV1.body);

      const tenant = await t.app.inject({
        method: 'POST',
        url: '/api/v1.0/external/tenant/inviteusers',
        headers: bearer(o.token),
        payload: { users: [{ email: 'surface.tenant@example.com', roleName: 'Member' }] },
      });
      assert.equal(tenant.statusCode, 200, tenant.body);

      const listed = new Map((await invitationsOf(o)).map((invitation) => [invitation.email, invitation.locale]));
      assert.equal(listed.get('surface.users@example.com'), 'fr');
      assert.equal(listed.get('surface.tenant@example.com'), 'fr');
    });
  });

  describe(`invitations under a configured DEFAULT_LOCALE [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect, { DEFAULT_LOCALE: 'de' });
      org = await createTestOrganization(t);
    });
    after(() => t.close());

    const invite = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(org.token),
        payload: { sendEmail: false, ...payload },
      });

    test("without a locale nor an organization default, the service's DEFAULT_LOCALE", async () => {
      const plain = await invite({ email: 'plain@example.com' });
      assert.equal(plain.statusCode, 201, plain.body);
      assert.equal(plain.json().locale, 'de');

      const set = await t.app.inject({
        method: 'PATCH',
        url: `/v1/organizations/${org.organization.id}`,
        headers: bearer(org.token),
        payload: { defaultLocale: 'it' },
      });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal((await invite({ email: 'org.default@example.com' })).json().locale, 'it');
      assert.equal((await invite({ email: 'given@example.com', locale: 'en' })).json().locale, 'en');

      // Cleared, the organization falls back to the service's default again.
      await t.app.inject({
        method: 'PATCH',
        url: `/v1/organizations/${org.organization.id}`,
        headers: bearer(org.token),
        payload: { defaultLocale: null },
      });
      assert.equal((await invite({ email: 'cleared@example.com' })).json().locale, 'de');
    });
  });
}
