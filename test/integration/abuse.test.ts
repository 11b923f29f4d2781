import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { createOrganization } from '../../src/modules/organizations/organization.service.js';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  inviteAndGetLink,
  platformToken,
  sessionFor,
  signIn,
  startTestApp,
  waitForOutboxIdle,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

/**
 * Abuse: addresses built to be something else, names built to add a mail header, and answers that
 * would tell a caller whether an address has an account somewhere. Every case goes through the
 * real app; mail goes through the real outbox worker to a real SMTP server and is parsed there.
 */

const TABLES = ['organizations', 'roles', 'users', 'memberships', 'invitations', 'outbox', 'sessions'] as const;

async function counts(t: TestApp): Promise<Record<(typeof TABLES)[number], number>> {
  const result = {} as Record<(typeof TABLES)[number], number>;
  for (const table of TABLES) {
    const row = await t.deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

/** The rows that belong to one organization: what any write into it would change. */
async function organizationCounts(t: TestApp, organizationId: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of ['roles', 'memberships', 'invitations', 'outbox'] as const) {
    const row = await t.deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization_id', '=', organizationId)
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  const organization = await t.deps.db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', organizationId)
    .executeTakeFirstOrThrow();
  result.organizationUpdatedAt = Date.parse(String(organization.updated_at));
  return result;
}

/** Addresses that every surface must refuse, each named for the way it is bad. */
const BAD_ADDRESSES: Record<string, string> = {
  'CR LF adding a Bcc header': 'victim@example.com\r\nBcc: evil@evil.example',
  'a bare LF': 'victim@example.com\nBcc: evil@evil.example',
  'a trailing line break': 'victim@example.com\r\n',
  NUL: 'victim\u0000@example.com',
  'U+0085 (next line)': 'victim@example.com\u0085Bcc: evil@evil.example',
  'a local part of 65 characters': `${'a'.repeat(65)}@example.com`,
  'a domain label of 64 characters': `victim@${'a'.repeat(64)}.example.com`,
  'Latin mixed with Cyrillic (pаypal)': 'ceo@p\u0430ypal.com',
  'the same look-alike in punycode': 'ceo@xn--pypal-4ve.com',
  'Cyrillic о in gооgle': 'ceo@g\u043e\u043egle.com',
  'a Cyrillic label of Latin look-alikes (аррӏе)': 'ceo@\u0430\u0440\u0440\u04cf\u0435.com',
  'a soft hyphen IDNA would drop': 'ceo@exa\u00admple.com',
};

/** 255 characters: one over the limit (and over 250, for the document that says 250). */
const TOO_LONG_ADDRESS = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;

function isProblem(response: LightMyRequestResponse): void {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, response.body);
}

async function parsed(mail: ReceivedMail): Promise<ParsedMail> {
  return simpleParser(mail.raw);
}

function addresses(field: AddressObject | AddressObject[] | undefined): Array<{ address?: string; name: string }> {
  if (!field) return [];
  return (Array.isArray(field) ? field : [field]).flatMap((object) => object.value);
}

async function mailTo(t: TestApp, address: string): Promise<ReceivedMail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const mail = t.smtp!.received.find((received) => received.to === address);
    if (mail) return mail;
    if (Date.now() > deadline)
      throw new Error(`no mail for ${address}; received for: ${t.smtp!.received.map((m) => m.to).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let unique = 0;
function fresh(prefix: string): string {
  return `${prefix}-${++unique}-${randomBytes(3).toString('hex')}`;
}

for (const dialect of DIALECTS) {
  describe(`abuse [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let base: string;
    let platform: string;
    let memberRoleId: string;
    /** An Owner's session in `org`, for the surfaces a signed-in admin calls. */
    let ownerSession: string;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true });
      org = await createTestOrganization(t, 'Abuse Test Org');
      base = `/v1/organizations/${org.organization.id}`;
      platform = await platformToken(t);
      memberRoleId = org.roles.find((role) => role.name === 'Member')!.id;
      ownerSession = await sessionFor(t, org);
    });
    after(() => t.close());

    /** Every surface's create call for one address, with what a refusal of it must look like. */
    function surfaces(email: string) {
      return [
        {
          name: 'native create',
          request: {
            method: 'POST' as const,
            url: `${base}/invitations`,
            headers: bearer(org.token),
            payload: { email },
          },
          refused: (response: LightMyRequestResponse) => {
            assert.equal(response.statusCode, 400, response.body);
            isProblem(response);
            assert.equal(response.json().code, 'VALIDATION_FAILED');
            assert.equal(response.json().errors[0].field, 'email');
          },
        },
        {
          name: 'native bulk',
          request: {
            method: 'POST' as const,
            url: `${base}/invitations/bulk`,
            headers: bearer(org.token),
            payload: { invitations: [{ email }] },
          },
          refused: (response: LightMyRequestResponse) => {
            // The bulk route answers 200 with a result per item; a schema refusal is a 400 for the whole request.
            if (response.statusCode === 400) {
              isProblem(response);
              assert.equal(response.json().code, 'VALIDATION_FAILED');
              return;
            }
            assert.equal(response.statusCode, 200, response.body);
            assert.deepEqual(response.json().summary, { requested: 1, created: 0, failed: 1 });
            assert.equal(response.json().results[0].status, 400);
            assert.equal(response.json().results[0].error.code, 'VALIDATION_FAILED');
          },
        },
        {
          name: 'users/v1 create-invite',
          request: {
            method: 'POST' as const,
            url: '/users/v1/invites',
            headers: bearer(org.token),
            payload: { roleId: memberRoleId, email },
          },
          refused: (response: LightMyRequestResponse) => {
            assert.equal(response.statusCode, 400, response.body);
            assert.deepEqual(response.json(), {
              error: 'Bad Request',
              message: 'The request contains invalid parameters or malformed data',
              code: 400,
              details: [{ field: 'email', message: 'Invalid email format' }],
            });
          },
        },
        {
          name: 'organization-users-invite',
          request: {
            method: 'POST' as const,
            url: '/api/v1/organization/users/invite',
            headers: bearer(ownerSession),
            payload: { emailAddresses: [{ email: 'fine@example.com' }, { email }] },
          },
          refused: (response: LightMyRequestResponse) => {
            assert.equal(response.statusCode, 400, response.body);
            isProblem(response);
            assert.equal(response.json().code, 'VALIDATION_FAILED');
            assert.equal(response.json().errors[0].field, 'emailAddresses[1].email');
          },
        },
        {
          name: 'users-organizations ad/invite',
          request: {
            method: 'POST' as const,
            url: '/users-organizations/v1/ad/invite',
            headers: { ...bearer(org.token), 'x-session-token': ownerSession },
            payload: { firstName: 'Vic', lastName: 'Tim', email, permissions: { group: 1 } },
          },
          refused: (response: LightMyRequestResponse) => {
            assert.equal(response.statusCode, 400, response.body);
            isProblem(response);
            assert.equal(response.json().code, 'VALIDATION_FAILED');
          },
        },
        {
          name: 'tenant inviteusers',
          request: {
            method: 'POST' as const,
            url: '/api/v1.0/external/tenant/inviteusers',
            headers: bearer(org.token),
            payload: {
              users: [
                { email: 'fine@example.com', roleName: 'Member' },
                { email, roleName: 'Member' },
              ],
            },
          },
          refused: (response: LightMyRequestResponse) => {
            assert.equal(response.statusCode, 400, response.body);
            assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
            assert.deepEqual(response.json(), {
              title: 'Bad Request',
              status: 400,
              detail: `The email address '${email}' is not valid.`,
            });
          },
        },
      ];
    }

    test('every surface refuses CR/LF/NUL, over-long parts and look-alike domains in its own error format, and writes nothing', async () => {
      const before = await counts(t);
      for (const [reason, email] of Object.entries({
        ...BAD_ADDRESSES,
        'an address of 255 characters': TOO_LONG_ADDRESS,
      })) {
        for (const surface of surfaces(email)) {
          const response = await t.app.inject(surface.request);
          try {
            if (reason.includes('255')) assert.equal(email.length, 255);
            surface.refused(response);
          } catch (error) {
            throw new Error(`${surface.name}, ${reason}: ${(error as Error).message}`);
          }
        }
      }
      // The account-level entry points judge addresses by the same rules.
      for (const email of Object.values(BAD_ADDRESSES)) {
        const organization = await t.app.inject({
          method: 'POST',
          url: '/v1/organizations',
          headers: bearer(platform),
          payload: { name: 'Look-alike Inc', owner: { email, password: 'Owner-Passw0rd!' } },
        });
        assert.equal(organization.statusCode, 400, `${JSON.stringify(email)}: ${organization.body}`);
        isProblem(organization);
        const owner = await t.app.inject({
          method: 'PUT',
          url: `${base}/owner`,
          headers: bearer(platform),
          payload: { email },
        });
        assert.equal(owner.statusCode, 400, `${JSON.stringify(email)}: ${owner.body}`);
        isProblem(owner);
      }
      assert.deepEqual(await counts(t), before);
    });

    test('the users-organizations surface refuses an address of 251 characters, as its document says 250', async () => {
      const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(54)}.com`;
      assert.equal(email.length, 251);
      const before = await counts(t);
      const response = await t.app.inject({
        method: 'POST',
        url: '/users-organizations/v1/ad/invite',
        headers: { ...bearer(org.token), 'x-session-token': ownerSession },
        payload: { firstName: 'Long', lastName: 'Address', email, permissions: { group: 1 } },
      });
      assert.equal(response.statusCode, 400, response.body);
      isProblem(response);
      // 254 is fine elsewhere.
      const native = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email, sendEmail: false },
      });
      assert.equal(native.statusCode, 201, native.body);
      assert.equal((await counts(t)).invitations, before.invitations + 1);
    });

    test('an IDN address and its punycode are one address: one pending invitation, one account, one membership; mail goes to the address as entered', async () => {
      const local = fresh('anna');
      const unicode = `${local}@bücher.example`;
      const punycode = `${local.toUpperCase()}@XN--BCHER-KVA.example`;

      const created = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email: unicode },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().email, unicode);

      // The same address in punycode, on every surface: already pending.
      const again = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email: punycode },
      });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(again.json().code, 'INVITATION_ALREADY_PENDING');
      const tenant = await t.app.inject({
        method: 'POST',
        url: '/api/v1.0/external/tenant/inviteusers',
        headers: bearer(org.token),
        payload: { users: [{ email: punycode, roleName: 'Member' }] },
      });
      assert.equal(tenant.statusCode, 400, tenant.body);
      assert.match(tenant.json().detail, /already has a pending invitation/);
      const both = await t.app.inject({
        method: 'POST',
        url: '/api/v1/organization/users/invite',
        headers: bearer(ownerSession),
        payload: { emailAddresses: [{ email: `other-${unicode}` }, { email: `other-${punycode}` }] },
      });
      assert.equal(both.statusCode, 400, both.body);
      assert.equal(both.json().code, 'DUPLICATE_EMAIL');
      const pending = await t.deps.db
        .selectFrom('invitations')
        .select(['email', 'email_canonical'])
        .where('organization_id', '=', org.organization.id)
        .where('email_canonical', '=', `${local}@xn--bcher-kva.example`)
        .execute();
      assert.deepEqual(pending, [{ email: unicode, email_canonical: `${local}@xn--bcher-kva.example` }]);

      // Sent to the address as entered, its domain in punycode in the header and the envelope, as
      // SMTP without SMTPUTF8 needs (the SMTP server shows the envelope's domain decoded).
      const mail = await mailTo(t, unicode);
      assert.ok(
        mail.headers.some((header) => header.key === 'to' && header.line === `To: ${local}@xn--bcher-kva.example`),
        mail.raw,
      );
      assert.deepEqual(
        addresses((await parsed(mail)).to).map((to) => to.address),
        [unicode],
      );

      // Accepted: one account, found by either form.
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: SmtpSink.token(mail), firstName: 'Anna', password: 'Anna-Passw0rd!' },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json().session.user.email, unicode);
      const member = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email: punycode },
      });
      assert.equal(member.statusCode, 409, member.body);
      assert.equal(member.json().code, 'ALREADY_A_MEMBER');
      const session = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: punycode, password: 'Anna-Passw0rd!' },
      });
      assert.equal(session.statusCode, 201, session.body);
      assert.equal(session.json().user.id, accepted.json().session.user.id);
      const accounts = await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email_canonical', '=', `${local}@xn--bcher-kva.example`)
        .execute();
      assert.equal(accounts.length, 1);
    });

    test('names carrying a line break, NUL or another control character are refused at input on every path into a header, and nothing is written', async () => {
      const before = await counts(t);
      for (const injected of [
        'Acme\r\nBcc: evil@evil.example',
        'Acme\nBcc: evil@evil.example',
        'Acme\rBcc: evil@evil.example',
        'Acme\u0000',
        'Acme\u0085Bcc: evil@evil.example',
        'Acme\u2028Bcc: evil@evil.example',
        'Acme\tBcc',
      ]) {
        const attempts: Array<[string, InjectOptions]> = [
          [
            'organization name',
            { method: 'POST', url: '/v1/organizations', headers: bearer(platform), payload: { name: injected } },
          ],
          [
            'owner first name',
            {
              method: 'POST',
              url: '/v1/organizations',
              headers: bearer(platform),
              payload: { name: 'Fine', owner: { email: 'o@example.com', firstName: injected } },
            },
          ],
          [
            'owner last name',
            {
              method: 'POST',
              url: '/v1/organizations',
              headers: bearer(platform),
              payload: { name: 'Fine', owner: { email: 'o@example.com', lastName: injected } },
            },
          ],
          [
            'assigned owner name',
            {
              method: 'PUT',
              url: `${base}/owner`,
              headers: bearer(platform),
              payload: { email: 'o@example.com', firstName: injected },
            },
          ],
          [
            'role name',
            { method: 'POST', url: `${base}/roles`, headers: bearer(org.token), payload: { name: injected } },
          ],
          [
            'invitee first name',
            {
              method: 'POST',
              url: `${base}/invitations`,
              headers: bearer(org.token),
              payload: { email: 'n@example.com', firstName: injected },
            },
          ],
          [
            'invitee last name',
            {
              method: 'POST',
              url: `${base}/invitations`,
              headers: bearer(org.token),
              payload: { email: 'n@example.com', lastName: injected },
            },
          ],
          [
            'role name of an invitation',
            {
              method: 'POST',
              url: `${base}/invitations`,
              headers: bearer(org.token),
              payload: { email: 'n@example.com', roleName: injected },
            },
          ],
          [
            'bulk invitee name',
            {
              method: 'POST',
              url: `${base}/invitations/bulk`,
              headers: bearer(org.token),
              payload: { invitations: [{ email: 'n@example.com', firstName: injected }] },
            },
          ],
          [
            'new account name on accepting',
            {
              method: 'POST',
              url: '/v1/invitations/accept',
              payload: { token: 'x'.repeat(43), firstName: injected, password: 'Passw0rd!x' },
            },
          ],
          [
            'users-organizations profile name',
            {
              method: 'POST',
              url: '/users-organizations/v1/ad/invite',
              headers: { ...bearer(org.token), 'x-session-token': ownerSession },
              payload: { firstName: injected, lastName: 'Doe', email: 'n@example.com', permissions: { group: 1 } },
            },
          ],
        ];
        for (const [what, request] of attempts) {
          const response = await t.app.inject(request);
          assert.equal(response.statusCode, 400, `${what} ${JSON.stringify(injected)}: ${response.body}`);
          isProblem(response);
        }
      }
      // The command line creates organizations without a schema in front of the service.
      await assert.rejects(createOrganization(t.deps, { name: 'Acme\r\nBcc: evil@evil.example' }), {
        code: 'VALIDATION_FAILED',
      });
      assert.deepEqual(await counts(t), before);
    });

    test('the accept page refuses a name with a control character, and writes nothing', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email: `${fresh('page')}@example.com`, sendEmail: false },
      });
      assert.equal(created.statusCode, 201, created.body);
      const path = new URL(created.json().acceptUrl as string).pathname;
      const page = await t.app.inject({ method: 'GET', url: path });
      assert.equal(page.statusCode, 200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const cookies = Object.fromEntries(page.cookies.map((cookie) => [cookie.name, cookie.value]));
      const before = await counts(t);
      for (const injected of [
        'Mallory\r\nBcc: evil@evil.example',
        'Mallory\u0000',
        'Mallory\u2028Bcc: evil@evil.example',
      ]) {
        const response = await t.app.inject({
          method: 'POST',
          url: `${path}/accept`,
          cookies,
          payload: new URLSearchParams({
            _csrf: csrf,
            firstName: injected,
            lastName: 'Doe',
            password: 'Str0ng-Passw0rd!',
          }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.equal(response.statusCode, 400, `${JSON.stringify(injected)}: ${response.statusCode}`);
        assert.match(response.body, /without control characters/);
      }
      assert.deepEqual(await counts(t), before);
    });

    test('names that pass input (encoded-word tricks, header-like text, long names) reach the received message only as the intended subject: one recipient, no Bcc or Cc, exactly the expected headers', async () => {
      const encoded = (text: string) => `=?utf-8?B?${Buffer.from(text).toString('base64')}?=`;
      const cases = [
        {
          // Plain ASCII with well-formed encoded words: a mail program would decode them, line breaks and all.
          organization: `${encoded('\r\nBcc: evil@evil.example')} Acme`,
          first: '=?utf-8?Q?Mallory=0D=0ABcc:_evil@evil.example?=',
          last: 'Smith',
          role: `${encoded('\r\nCc: evil@evil.example')} Admin`,
        },
        {
          organization: 'Acme "Bcc: evil@evil.example" <evil@evil.example>; =?',
          first: 'Bcc: evil@evil.example,',
          last: 'Cc: evil@evil.example',
          role: 'Reply-To: evil@evil.example',
        },
        {
          // The longest names input allows, with non-ASCII letters and encoded-word markers in them.
          organization: `Ünïcödé =?utf-8?q?x?= ${'Organisation-ß '.repeat(20)}`.slice(0, 200).trim(),
          first: `Ŝtrange=?${'ä'.repeat(240)}`.slice(0, 250),
          last: `${'Q'.repeat(120)} ?= =?utf-8?B?QmNjOiBldmlsQGV2aWwuZXhhbXBsZQ==?= ${'z'.repeat(120)}`.slice(0, 250),
          role: 'Ŕole =?utf-8?B?QmNj?=',
        },
      ];
      for (const names of cases) {
        const ownerEmail = `${fresh('inviter')}@example.com`;
        const created = await t.app.inject({
          method: 'POST',
          url: '/v1/organizations',
          headers: bearer(platform),
          payload: {
            name: names.organization,
            owner: { email: ownerEmail, firstName: names.first, lastName: names.last, password: 'Owner-Passw0rd!' },
          },
        });
        assert.equal(created.statusCode, 201, created.body);
        const orgId = created.json().organization.id as string;
        const session = await signIn(t, ownerEmail, 'Owner-Passw0rd!');
        const role = await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${orgId}/roles`,
          headers: bearer(session),
          payload: { name: names.role, permissions: ['organization:read'] },
        });
        assert.equal(role.statusCode, 201, role.body);
        const recipient = `${fresh('recipient')}@example.com`;
        const invited = await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${orgId}/invitations`,
          headers: bearer(session),
          payload: { email: recipient, roleName: names.role, firstName: names.last, lastName: names.first },
        });
        assert.equal(invited.statusCode, 201, invited.body);

        const mail = await mailTo(t, recipient);
        const message = await parsed(mail);
        // Exactly the headers Tessera writes, each once.
        assert.deepEqual(
          mail.headers.map((header) => header.key).sort(),
          ['content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to'],
          mail.raw.split(/\r?\n\r?\n/)[0],
        );
        assert.deepEqual(addresses(message.to), [{ address: recipient, name: '' }]);
        assert.equal(message.cc, undefined);
        assert.equal(message.bcc, undefined);
        assert.equal(message.replyTo, undefined);
        assert.deepEqual(addresses(message.from), [{ address: 'no-reply@localhost', name: 'Tessera' }]);
        assert.equal(mail.to, recipient, 'one recipient in the SMTP envelope');
        assert.equal(message.subject, `${names.first} ${names.last} invited you to join ${names.organization}`);
        assert.ok(
          !/evil@evil\.example/.test(
            mail.headers
              .filter((header) => header.key !== 'subject')
              .map((header) => header.line)
              .join('\n'),
          ),
        );
        // In the body, every name appears as written, never decoded.
        assert.ok(message.text!.includes(`Hi ${names.last} ${names.first},`), message.text);
        assert.ok(message.text!.includes(`as ${names.role}.`), message.text);
      }
      await waitForOutboxIdle(t);
      assert.equal(t.smtp!.received.filter((mail) => /evil/.test(mail.to)).length, 0);
    });

    describe('no answer tells whether an address has an account elsewhere', () => {
      /** The same person, three ways: no account anywhere, an account with a password, an account without one. */
      type Kind = 'unknown' | 'account' | 'passwordless';
      const KINDS: Kind[] = ['unknown', 'account', 'passwordless'];
      let elsewhere: TestOrganization;
      const accounts = new Map<string, Kind>();

      /** An address of each kind, in lower case; the accounts were made with other casing and other names. */
      async function addressOf(kind: Kind): Promise<string> {
        const local = fresh(kind);
        const email = `${local}@example.com`;
        accounts.set(email, kind);
        if (kind === 'account') {
          const { token } = await inviteAndGetLink(t, elsewhere, {
            email: `${local.toUpperCase()}@Example.COM`,
            sendEmail: false,
          });
          const accepted = await t.app.inject({
            method: 'POST',
            url: '/v1/invitations/accept',
            payload: { token, firstName: 'Real', lastName: 'Person', password: 'Real-Passw0rd!' },
          });
          assert.equal(accepted.statusCode, 200, accepted.body);
        }
        if (kind === 'passwordless') {
          const elsewhereSession = await sessionFor(t, elsewhere);
          const invited = await t.app.inject({
            method: 'POST',
            url: '/users-organizations/v1/ad/invite',
            headers: { ...bearer(elsewhere.token), 'x-session-token': elsewhereSession },
            payload: {
              firstName: 'Real',
              lastName: 'Person',
              email: `${local.toUpperCase()}@Example.COM`,
              permissions: { group: 1 },
            },
          });
          assert.equal(invited.statusCode, 201, invited.body);
        }
        return email;
      }

      /** A response with what must differ between two addresses (ids, timestamps, the address) blanked. */
      function comparable(response: LightMyRequestResponse, email: string) {
        const body = response.body
          ? JSON.parse(response.body, (key, value) =>
              ['id', 'numericId', 'userId', 'createdAt', 'updatedAt', 'expiresAt', 'requestId'].includes(key)
                ? '(varies)'
                : value === email
                  ? '(address)'
                  : value,
            )
          : '';
        return { status: response.statusCode, contentType: response.headers['content-type'], body };
      }

      before(async () => {
        elsewhere = await createTestOrganization(t, 'Elsewhere Inc');
      });

      const inviteCalls: Record<string, (email: string) => InjectOptions> = {
        'native create': (email) => ({
          method: 'POST',
          url: `${base}/invitations`,
          headers: bearer(org.token),
          payload: { email, firstName: 'Given', lastName: 'Name' },
        }),
        'native bulk': (email) => ({
          method: 'POST',
          url: `${base}/invitations/bulk`,
          headers: bearer(org.token),
          payload: { invitations: [{ email }] },
        }),
        'users/v1 create-invite': (email) => ({
          method: 'POST',
          url: '/users/v1/invites',
          headers: bearer(org.token),
          payload: { roleId: memberRoleId, email },
        }),
        'organization-users-invite': (email) => ({
          method: 'POST',
          url: '/api/v1/organization/users/invite',
          headers: bearer(ownerSession),
          payload: { emailAddresses: [{ email, password: 'Preset-Passw0rd!' }] },
        }),
        'users-organizations ad/invite': (email) => ({
          method: 'POST',
          url: '/users-organizations/v1/ad/invite',
          headers: { ...bearer(org.token), 'x-session-token': ownerSession },
          payload: { firstName: 'Given', lastName: 'Name', email, permissions: { group: 1, read: [2] } },
        }),
        'tenant inviteusers': (email) => ({
          method: 'POST',
          url: '/api/v1.0/external/tenant/inviteusers',
          headers: bearer(org.token),
          payload: { users: [{ email, roleName: 'Member' }] },
        }),
      };

      test('inviting an address with an account elsewhere answers like inviting one without, on every surface', async () => {
        for (const [surface, call] of Object.entries(inviteCalls)) {
          const answers = [];
          for (const kind of KINDS) {
            const email = await addressOf(kind);
            answers.push({ kind, ...comparable(await t.app.inject(call(email)), email) });
          }
          const [first, ...rest] = answers;
          assert.ok([200, 201].includes(first!.status), `${surface}: ${JSON.stringify(first)}`);
          for (const other of rest) {
            assert.deepEqual(
              { ...other, kind: first!.kind },
              first,
              `${surface}: ${other.kind} differs from ${first!.kind}`,
            );
          }
        }
      });

      test('an invited member is listed as the inviter described them, not as their account elsewhere', async () => {
        const listed = [];
        for (const kind of KINDS) {
          const email = await addressOf(kind);
          const invited = await t.app.inject(inviteCalls['users-organizations ad/invite']!(email));
          assert.equal(invited.statusCode, 201, invited.body);
          const page = await t.app.inject({
            url: `${base}/members?status=INVITED&limit=100`,
            headers: bearer(org.token),
          });
          assert.equal(page.statusCode, 200, page.body);
          const member = (page.json().data as Array<{ user: { id: string; email: string } }>).find(
            (m) => m.user.email.toLowerCase() === email,
          )!;
          assert.ok(member, `${kind}: not listed`);
          const one = await t.app.inject({ url: `${base}/members/${member.user.id}`, headers: bearer(org.token) });
          assert.equal(one.statusCode, 200, one.body);
          for (const shown of [member, one.json()]) {
            const { id: _id, numericId: _numericId, ...user } = shown.user;
            assert.deepEqual(
              user,
              { email, firstName: 'Given', lastName: 'Name' },
              `${kind}: ${JSON.stringify(shown.user)}`,
            );
          }
          listed.push(comparable(one, email));
        }
        assert.deepEqual(listed[1], listed[0]);
        assert.deepEqual(listed[2], listed[0]);
      });

      test('assigning an owner: an address with an account elsewhere answers like one without, and nothing is written', async () => {
        const before = await organizationCounts(t, org.organization.id);
        const unknown: string[] = [];
        for (const caller of [bearer(org.token), bearer(ownerSession)]) {
          const answers = [];
          for (const kind of KINDS) {
            const email = await addressOf(kind);
            if (kind === 'unknown') unknown.push(email);
            const written = await counts(t);
            const response = await t.app.inject({
              method: 'PUT',
              url: `${base}/owner`,
              headers: caller,
              payload: { email, firstName: 'Given' },
            });
            answers.push(comparable(response, email));
            assert.deepEqual(await counts(t), written, `${kind}: ${response.body}`);
          }
          assert.equal(answers[0]!.status, 400);
          assert.deepEqual(answers[1], answers[0]);
          assert.deepEqual(answers[2], answers[0]);
        }
        // Nothing in the organization (addressOf writes only elsewhere), and no account for the unknown addresses.
        assert.deepEqual(await organizationCounts(t, org.organization.id), before);
        const accounts = await t.deps.db
          .selectFrom('users')
          .select('id')
          .where('email_canonical', 'in', unknown)
          .execute();
        assert.deepEqual(accounts, []);
        // The owner is still the owner.
        const organization = await t.app.inject({ url: base, headers: bearer(org.token) });
        assert.equal(organization.json().owner.id, org.owner!.id);
      });

      test('signing in: an unknown address, a wrong password and an account without a password get one and the same answer', async () => {
        const known = await addressOf('account');
        const passwordless = await addressOf('passwordless');
        const attempts = [
          { email: `${fresh('nobody')}@example.com`, password: 'Real-Passw0rd!' },
          { email: known, password: 'Wrong-Passw0rd!' },
          { email: known.toUpperCase(), password: 'real-passw0rd!' },
          { email: passwordless, password: 'Real-Passw0rd!' },
          { email: 'not an address', password: 'Real-Passw0rd!' },
          { email: 'ceo@p\u0430ypal.com', password: 'Real-Passw0rd!' },
        ];
        const answers = [];
        for (const payload of attempts) {
          const response = await t.app.inject({ method: 'POST', url: '/v1/sessions', payload });
          answers.push({ ...comparable(response, payload.email), authenticate: response.headers['www-authenticate'] });
        }
        assert.equal(answers[0]!.status, 401);
        for (const answer of answers) assert.deepEqual(answer, answers[0]);
        // The right password does sign in, whatever the case of the address.
        const right = await t.app.inject({
          method: 'POST',
          url: '/v1/sessions',
          payload: { email: known.toUpperCase(), password: 'Real-Passw0rd!' },
        });
        assert.equal(right.statusCode, 201, right.body);
      });

      test('without the link, looking up, accepting, declining and the page answer the same whatever account the address has', async () => {
        const answers: Array<Record<string, unknown>> = [];
        for (const kind of KINDS) {
          const email = await addressOf(kind);
          const { token } = await inviteAndGetLink(t, org, { email, sendEmail: false });
          // A guess next to the real link: one character changed.
          const guess = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
          const answer: Record<string, unknown> = {};
          for (const route of ['lookup', 'accept', 'decline']) {
            const response = await t.app.inject({
              method: 'POST',
              url: `/v1/invitations/${route}`,
              payload: { token: guess, ...(route === 'accept' ? { password: 'Real-Passw0rd!' } : {}) },
            });
            answer[route] = comparable(response, email);
          }
          const page = await t.app.inject({ method: 'GET', url: `/invite/${guess}` });
          answer.page = { status: page.statusCode, body: page.body.replace(/name="_csrf" value="[^"]*"/g, '') };
          answers.push(answer);
        }
        assert.equal((answers[0]!.lookup as { status: number }).status, 404);
        assert.deepEqual(answers[1], answers[0]);
        assert.deepEqual(answers[2], answers[0]);
      });
    });
  });
}
