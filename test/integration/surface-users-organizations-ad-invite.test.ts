import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_NUMERIC_ID } from '../../src/db/ids.js';
import { runSample, sample } from '../helpers/doc-samples.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  jsonOf,
  createTestOrganization,
  listen,
  sessionFor,
  signIn,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

const DOC_URL = 'https://z52mnqg347.execute-api.eu-west-3.amazonaws.com';

for (const dialect of DIALECTS) {
  describe(`users-organizations/v1/ad/invite document [${dialect}]`, () => {
    let t: TestApp;
    let base: string;
    let org: TestOrganization;
    let other: TestOrganization;
    let ownerSession: string;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true });
      base = await listen(t);
      org = await createTestOrganization(t, 'AD Org');
      other = await createTestOrganization(t, 'Other AD Org');
      ownerSession = await sessionFor(t, org);
    });
    after(() => t.close());

    const headers = (overrides: Record<string, string | undefined> = {}) => {
      const all: Record<string, string | undefined> = {
        authorization: `Bearer ${org.token}`,
        'x-session-token': ownerSession,
        'content-type': 'application/json',
        ...overrides,
      };
      return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)) as Record<
        string,
        string
      >;
    };

    const invite = (
      body: unknown,
      overrides: Record<string, string | undefined> = {},
      path = '/users-organizations/v1/ad/invite',
    ) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: headers(overrides),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    const valid = (email: string) => ({ firstName: 'John', lastName: 'Doe', email, permissions: { group: 0 } });

    test('the curl sample (under the /main stage prefix): 201 with the documented record; the email arrives', async () => {
      const run = await runSample(
        'curl',
        sample('users-organizations-ad-invite.curl.sh', [
          [DOC_URL, base],
          ['<token>', org.token],
          ['<content-type>', 'application/json'],
          ['<x-session-token>', ownerSession],
        ]),
      );
      assert.equal(run.status, 0, run.stderr);
      const { data } = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(data), [
        'userId',
        'organizationId',
        'scope',
        'permissions',
        'deletedAt',
        'updatedAt',
        'createdAt',
      ]);
      assert.ok(Number.isInteger(data.userId) && data.userId > 0);
      assert.equal(data.organizationId, org.organization.numericId);
      assert.equal(data.scope, 1);
      assert.deepEqual(data.permissions, { group: 0, read: [], manage: [] });
      assert.equal(data.deletedAt, null);
      assert.match(data.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      const mail = (await t.smtp!.waitFor(1)).find((m) => m.to === 'test@mail.com');
      assert.ok(mail);
      assert.match(mail.text, /^Hi John Doe,/);

      // The profile exists, the membership waits in INVITED, and accepting activates it.
      const members = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/members?status=INVITED`,
        headers: bearer(org.token),
      });
      const invited = members.json().data.find((m: { user: { email: string } }) => m.user.email === 'test@mail.com');
      assert.equal(invited.user.numericId, data.userId);
      assert.equal(invited.user.firstName, 'John');
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: SmtpSink.token(mail), password: 'J0hn-Doe!' },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const member = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/members/${invited.user.id}`,
        headers: bearer(org.token),
      });
      assert.equal(member.json().status, 'ACTIVE');
      assert.deepEqual(member.json().permissions, { group: 0, read: [], manage: [] });
    });

    test('without the stage prefix too, with read and manage permissions', async () => {
      const response = await invite({
        ...valid('jane@example.com'),
        permissions: { group: 3, read: [1, 2], manage: [2] },
      });
      assert.equal(response.status, 201);
      assert.deepEqual((await jsonOf(response)).data.permissions, { group: 3, read: [1, 2], manage: [2] });
    });

    test('either credential missing or bad: 401', async () => {
      const cases: Array<Record<string, string | undefined>> = [
        { authorization: undefined },
        { 'x-session-token': undefined },
        { authorization: 'Bearer not-a-token' },
        { 'x-session-token': 'ses_forged' },
        // A session is not an API client token, and the reverse.
        { authorization: `Bearer ${ownerSession}` },
        { 'x-session-token': org.token },
      ];
      for (const overrides of cases) {
        const response = await invite(valid('nobody@example.com'), overrides);
        assert.equal(response.status, 401, JSON.stringify(overrides));
        assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    });

    test('a session of a user without the role, or of another organization: 403', async () => {
      // A Member of this organization.
      await invite(valid('plain-member@example.com'));
      const mail = (await t.smtp!.waitFor(3)).find((m) => m.to === 'plain-member@example.com')!;
      await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: SmtpSink.token(mail), password: 'Plain-1234!' },
      });
      const memberSession = await signIn(t, 'plain-member@example.com', 'Plain-1234!');
      const asMember = await invite(valid('someone@example.com'), { 'x-session-token': memberSession });
      assert.equal(asMember.status, 403);
      const otherOwner = await sessionFor(t, other);
      const foreign = await invite(valid('someone@example.com'), { 'x-session-token': otherOwner });
      assert.equal(foreign.status, 403);
    });

    test('content-type must be application/json: 415 otherwise', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
        const response = await invite(JSON.stringify(valid('typed@example.com')), { 'content-type': contentType });
        assert.equal(response.status, 415, String(contentType));
        assert.equal((await jsonOf(response)).code, 'UNSUPPORTED_MEDIA_TYPE');
      }
    });

    test('field limits, the email pattern and the permissions object: 400, nothing written', async () => {
      const count = async () => (await t.deps.db.selectFrom('users').select('id').execute()).length;
      const before = await count();
      const long = 'x'.repeat(251);
      const cases: Array<[unknown, string]> = [
        [{ ...valid('a@example.com'), firstName: '' }, 'firstName'],
        [{ ...valid('a@example.com'), firstName: long }, 'firstName'],
        [{ ...valid('a@example.com'), lastName: long }, 'lastName'],
        [{ ...valid(`${'a'.repeat(240)}@example.com`) }, 'email'],
        [{ ...valid('.dot@example.com') }, 'email'],
        [{ ...valid('two..dots@example.com') }, 'email'],
        [{ ...valid('no-tld@example') }, 'email'],
        [{ ...valid('a@example.com'), permissions: undefined }, 'permissions'],
        [{ ...valid('a@example.com'), permissions: {} }, 'permissions.group'],
        [{ ...valid('a@example.com'), permissions: { group: 'admin' } }, 'permissions.group'],
        [{ ...valid('a@example.com'), permissions: { group: 0, read: ['x'] } }, 'permissions.read[0]'],
        [{ firstName: 'John' }, 'lastName'],
      ];
      for (const [body, field] of cases) {
        const response = await invite(body);
        assert.equal(response.status, 400, JSON.stringify(body).slice(0, 120));
        const problem = await jsonOf(response);
        assert.ok(
          problem.errors.some((error: { field: string }) => error.field === field),
          `${field}: ${JSON.stringify(problem)}`,
        );
      }
      const malformed = await invite('{"firstName": "John",');
      assert.equal(malformed.status, 400);
      assert.equal((await jsonOf(malformed)).code, 'MALFORMED_REQUEST');
      assert.equal(await count(), before);
    });

    test('a pending invitation (in any letter case) or an active member: 409', async () => {
      const pending = await invite(valid('JANE@Example.com'));
      assert.equal(pending.status, 409);
      assert.equal((await jsonOf(pending)).code, 'INVITATION_ALREADY_PENDING');
      const member = await invite(valid(org.owner!.email));
      assert.equal(member.status, 409);
      assert.equal((await jsonOf(member)).code, 'ALREADY_A_MEMBER');
    });

    test('userId and organizationId carry no global sequence: random, whether the account is new or older', async () => {
      // The organizations in the order they were created.
      const organizations = [org, other];
      for (let i = 0; i < 6; i++) organizations.push(await createTestOrganization(t, `Numbered ${i}`));
      const organizationIds = organizations.map((created) => created.organization.numericId);

      // Accounts made earlier, through another organization's invitation.
      const otherSession = await sessionFor(t, other);
      const asOther = { authorization: `Bearer ${other.token}`, 'x-session-token': otherSession };
      const olderIds = new Map<string, number>();
      for (let i = 0; i < 12; i++) {
        const email = `older-${i}@example.com`;
        const response = await invite(valid(email), asOther);
        assert.equal(response.status, 201);
        olderIds.set(email, (await jsonOf(response)).data.userId);
      }

      // This organization invites the older accounts and brand-new addresses, in turn.
      const answered: Array<{ older: boolean; userId: number; organizationId: number }> = [];
      for (let i = 0; i < 12; i++) {
        for (const [older, email] of [
          [true, `older-${i}@example.com`],
          [false, `brand-new-${i}@example.com`],
        ] as const) {
          const response = await invite(valid(email));
          assert.equal(response.status, 201);
          const { data } = await jsonOf(response);
          answered.push({ older, userId: data.userId, organizationId: data.organizationId });
          if (older) assert.equal(data.userId, olderIds.get(email), 'the same account, the same number');
        }
      }
      assert.ok(answered.every((row) => row.organizationId === org.organization.numericId));
      const olderNumbers = answered.filter((row) => row.older).map((row) => row.userId);
      const newNumbers = answered.filter((row) => !row.older).map((row) => row.userId);
      const userIds = answered.map((row) => row.userId);

      // What a sequence would show, and the odds that random numbers (uniform 31-bit, drawn
      // independently) show it too. Together they fail a correct build about once in 300,000 runs.
      for (const numbers of [organizationIds, userIds]) {
        assert.ok(
          numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NUMERIC_ID),
          numbers.join(', '),
        );
        assert.equal(new Set(numbers).size, numbers.length, numbers.join(', '));
        // All 8 (or 24) within 2^20 of each other: odds below 10^-20.
        assert.ok(Math.max(...numbers) - Math.min(...numbers) > 2 ** 20, numbers.join(', '));
        // Neighbours (in the order made) within 100 of each other: odds below 201 / 2^31 per pair,
        // 30 pairs in all, so below 3 * 10^-6.
        for (let i = 1; i < numbers.length; i++) {
          assert.ok(Math.abs(numbers[i]! - numbers[i - 1]!) > 100, `neighbours ${numbers[i - 1]} and ${numbers[i]}`);
        }
      }
      // New accounts made one after the other do not count up: 12 random numbers come out
      // increasing once in 12! (about 5 * 10^8).
      assert.ok(
        newNumbers.some((n, i) => i > 0 && n < newNumbers[i - 1]!),
        newNumbers.join(', '),
      );
      // An address that had an account before is not told apart by a smaller number: with a
      // sequence all 12 older numbers lie below all 12 new ones; random numbers do so once in
      // C(24, 12) = 2,704,156.
      assert.ok(
        Math.max(...olderNumbers) > Math.min(...newNumbers),
        `older ${olderNumbers.join(', ')}; new ${newNumbers.join(', ')}`,
      );
    });

    test('the INVITED membership has its events: created with the invitation, deleted with its revocation, updated (not created) by the accept', async () => {
      const events = async (types: string) => {
        const response = await t.app.inject({
          url: `/v1/organizations/${org.organization.id}/events?limit=100&types=${types}`,
          headers: bearer(org.token),
        });
        assert.equal(response.statusCode, 200, response.body);
        return response.json().data as Array<{ type: string; data: any; actor: { type: string } }>;
      };
      const about = <E extends { data: any }>(list: E[], email: string) =>
        list.filter((event) => (event.data.email ?? event.data.user?.email) === email);
      const types =
        'invitation.created,invitation.revoked,invitation.accepted,membership.created,membership.updated,membership.deleted';

      assert.equal((await invite(valid('revoked-ad@example.com'))).status, 201);
      const [created] = about(await events('invitation.created'), 'revoked-ad@example.com');
      const revoked = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations/${created!.data.id}/revoke`,
        headers: bearer(org.token),
        payload: {},
      });
      assert.equal(revoked.statusCode, 200, revoked.body);
      const revokedEvents = about(await events(types), 'revoked-ad@example.com');
      assert.deepEqual(
        revokedEvents.map((event) => [event.type, event.data.status]),
        [
          ['invitation.created', 'PENDING'],
          ['membership.created', 'INVITED'],
          ['invitation.revoked', 'REVOKED'],
          ['membership.deleted', 'INVITED'],
        ],
      );

      const mail = await (async () => {
        assert.equal((await invite(valid('accepted-ad@example.com'))).status, 201);
        return (await t.smtp!.mailTo('accepted-ad@example.com', 1))[0]!;
      })();
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: SmtpSink.token(mail), password: 'Acc3pted-AD!' },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const acceptedEvents = about(await events(types), 'accepted-ad@example.com');
      assert.deepEqual(
        acceptedEvents.map((event) => [event.type, event.data.status]),
        [
          ['invitation.created', 'PENDING'],
          ['membership.created', 'INVITED'],
          ['invitation.accepted', 'ACCEPTED'],
          ['membership.updated', 'ACTIVE'],
        ],
      );
    });
  });
}
