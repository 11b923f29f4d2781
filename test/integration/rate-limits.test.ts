import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createServiceDeps, type ServiceDeps } from '../../src/deps.js';
import type { App } from '../../src/http/fastify-types.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  freePort,
  GENEROUS_LIMITS,
  sessionFor,
  startTestApp,
  waitForOutboxIdle,
  tokenFor,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

/** The Redis these machines run; the Redis tests use a key prefix of their own per run. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_PREFIX = `tessera-test-${process.pid}-${randomBytes(4).toString('hex')}`;

let sequence = 0;
const address = (label: string) => `${label}-${++sequence}@example.com`;

function assertRetryAfter(response: { headers: Record<string, unknown> }, atMostSeconds: number): void {
  const value = response.headers['retry-after'];
  assert.equal(typeof value, 'string', 'a Retry-After header');
  const seconds = Number(value);
  assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= atMostSeconds, `Retry-After ${String(value)}`);
}

async function invitationsOf(
  deps: ServiceDeps,
  organizationId: string,
): Promise<Array<{ email: string; status: string }>> {
  return deps.db
    .selectFrom('invitations')
    .select(['email', 'status'])
    .where('organization_id', '=', organizationId)
    .execute();
}

async function outboxOf(
  deps: ServiceDeps,
  organizationId: string,
): Promise<Array<{ status: string; last_error: string | null; invitation_id: string | null; secret: string | null }>> {
  return deps.db
    .selectFrom('outbox')
    .select(['status', 'last_error', 'invitation_id', 'secret'])
    .where('organization_id', '=', organizationId)
    .execute();
}

function inviteNative(
  t: TestApp,
  org: TestOrganization,
  email: string,
  token = org.token,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `/v1/organizations/${org.organization.id}/invitations`,
    headers: bearer(token),
    payload: { email },
  });
}

function inviteBulk(t: TestApp, org: TestOrganization, emails: string[]): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `/v1/organizations/${org.organization.id}/invitations/bulk`,
    headers: bearer(org.token),
    payload: { invitations: emails.map((email) => ({ email })) },
  });
}

function inviteTenantUsers(t: TestApp, org: TestOrganization, emails: string[]): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1.0/external/tenant/inviteusers',
    headers: bearer(org.token),
    payload: { users: emails.map((email) => ({ email, roleName: 'Member' })) },
  });
}

function inviteOrganizationUsers(t: TestApp, org: TestOrganization, emails: string[]): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/organization/users/invite',
    headers: bearer(org.token),
    payload: { emailAddresses: emails.map((email) => ({ email })) },
  });
}

function inviteUsersV1(t: TestApp, org: TestOrganization, email: string): Promise<LightMyRequestResponse> {
  const roleId = org.roles.find((role) => role.name === 'Member')!.id;
  return t.app.inject({
    method: 'POST',
    url: '/users/v1/invites',
    headers: bearer(org.token),
    payload: { roleId, email },
  });
}

function inviteAd(t: TestApp, org: TestOrganization, session: string, email: string): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/users-organizations/v1/ad/invite',
    headers: { ...bearer(org.token), 'x-session-token': session },
    payload: { firstName: 'Ada', lastName: 'Lovelace', email, permissions: { group: 0 } },
  });
}

function tokenAttempt(
  t: TestApp,
  options: { remoteAddress?: string; forwardedFor?: string } = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    remoteAddress: options.remoteAddress,
    headers: options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {},
    payload: { grant_type: 'client_credentials', client_id: 'cli_nobody', client_secret: 'sec_wrong' },
  });
}

for (const dialect of DIALECTS) {
  describe(`rate limits: invitations per organization and per inviter [${dialect}]`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect, {
        RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '5',
        RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: '3',
      });
    });
    after(() => t.close());

    test("per inviter, then per organization: the 4th invitation of an API client is a 429 with Retry-After; the owner still invites until the organization's 6th", async () => {
      const org = await createTestOrganization(t, 'Busy Org');
      for (let i = 0; i < 3; i++) assert.equal((await inviteNative(t, org, address('client'))).statusCode, 201);

      const refused = await inviteNative(t, org, 'client-refused@example.com');
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assertRetryAfter(refused, 3600);
      const problem = refused.json();
      assert.equal(problem.code, 'RATE_LIMITED');
      assert.equal(problem.status, 429);
      assert.equal(problem.type, 'urn:tessera:problem:rate-limited');
      assert.match(problem.detail, /At most 3 invitations an hour per inviter/);
      assert.match(problem.requestId, /^req_/);

      // The owner (a signed-in user) is another inviter, with an hour of their own.
      const session = await sessionFor(t, org);
      for (let i = 0; i < 2; i++) assert.equal((await inviteNative(t, org, address('owner'), session)).statusCode, 201);
      const sixth = await inviteNative(t, org, 'owner-refused@example.com', session);
      assert.equal(sixth.statusCode, 429);
      assertRetryAfter(sixth, 3600);
      assert.match(sixth.json().detail, /At most 5 invitations an hour per organization/);

      // Nothing was written for the refused requests: no invitation, no email.
      const written = await invitationsOf(t.deps, org.organization.id);
      assert.equal(written.length, 5);
      assert.ok(!written.some((row) => row.email.endsWith('-refused@example.com')));
      assert.equal((await outboxOf(t.deps, org.organization.id)).length, 5);
    });

    test('a bulk of 5 for an inviter with 3 left: 3 created and 2 items answer 429 each; then a bulk with none left is a 429 whole', async () => {
      const org = await createTestOrganization(t, 'Bulk Org');
      const emails = Array.from({ length: 5 }, () => address('bulk'));
      const response = await inviteBulk(t, org, emails);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.deepEqual(body.summary, { requested: 5, created: 3, failed: 2 });
      assert.deepEqual(
        body.results.map((result: { status: number }) => result.status),
        [201, 201, 201, 429, 429],
      );
      assert.equal(body.results[3].error.code, 'RATE_LIMITED');
      assert.match(body.results[3].error.detail, /Retry after \d+ seconds/);

      const again = await inviteBulk(t, org, [address('bulk'), address('bulk')]);
      assert.equal(again.statusCode, 429);
      assertRetryAfter(again, 3600);
      assert.equal(again.json().code, 'RATE_LIMITED');
      assert.deepEqual(
        (await invitationsOf(t.deps, org.organization.id)).map((row) => row.email).sort(),
        emails.slice(0, 3).sort(),
      );
    });

    test('refused invitations are given back: an address that is already pending does not use up the hour', async () => {
      const org = await createTestOrganization(t, 'Retry Org');
      const email = address('again');
      assert.equal((await inviteNative(t, org, email)).statusCode, 201);
      for (let i = 0; i < 4; i++) assert.equal((await inviteNative(t, org, email)).statusCode, 409);
      assert.equal((await inviteNative(t, org, address('next'))).statusCode, 201);
      assert.equal((await inviteNative(t, org, address('next'))).statusCode, 201);
      assert.equal((await inviteNative(t, org, address('next'))).statusCode, 429);
    });

    test("tenant inviteusers: a list that does not fit is refused whole with the document's problem body and Retry-After; nothing is written", async () => {
      const org = await createTestOrganization(t, 'Tenant Org');
      const refused = await inviteTenantUsers(t, org, [
        address('tenant'),
        address('tenant'),
        address('tenant'),
        address('tenant'),
      ]);
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assertRetryAfter(refused, 3600);
      const body = refused.json();
      assert.deepEqual(Object.keys(body), ['title', 'status', 'detail']);
      assert.equal(body.title, 'Too Many Requests');
      assert.equal(body.status, 429);
      assert.match(body.detail, /this request has 4/);
      assert.equal((await invitationsOf(t.deps, org.organization.id)).length, 0);
      assert.equal((await outboxOf(t.deps, org.organization.id)).length, 0);

      // The refusal used nothing up: three still fit.
      const fits = await inviteTenantUsers(t, org, [address('tenant'), address('tenant'), address('tenant')]);
      assert.equal(fits.statusCode, 200, fits.body);
      assert.equal((await invitationsOf(t.deps, org.organization.id)).length, 3);
    });

    test('organization/users/invite: refused whole as problem details with Retry-After; nothing is written', async () => {
      const org = await createTestOrganization(t, 'Org Users Org');
      const refused = await inviteOrganizationUsers(t, org, [
        address('ou'),
        address('ou'),
        address('ou'),
        address('ou'),
      ]);
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assertRetryAfter(refused, 3600);
      assert.equal(refused.json().code, 'RATE_LIMITED');
      assert.equal((await invitationsOf(t.deps, org.organization.id)).length, 0);
    });

    test("users/v1 invites: the 4th invite is a 429 in the document's { error, message, code } body with Retry-After", async () => {
      const org = await createTestOrganization(t, 'Users V1 Org');
      for (let i = 0; i < 3; i++) {
        const created = await inviteUsersV1(t, org, address('v1'));
        assert.equal(created.statusCode, 200, created.body);
      }
      const refused = await inviteUsersV1(t, org, 'v1-refused@example.com');
      assert.equal(refused.statusCode, 429);
      assertRetryAfter(refused, 3600);
      const body = refused.json();
      assert.deepEqual(Object.keys(body), ['error', 'message', 'code']);
      assert.equal(body.error, 'Too Many Requests');
      assert.equal(body.code, 429);
      assert.match(body.message, /per inviter/);
      assert.equal((await invitationsOf(t.deps, org.organization.id)).length, 3);
    });

    test('users-organizations ad/invite: the 4th is a 429 (problem details, Retry-After); no profile, membership or invitation is written', async () => {
      const org = await createTestOrganization(t, 'AD Org');
      const session = await sessionFor(t, org);
      for (let i = 0; i < 3; i++) {
        const created = await inviteAd(t, org, session, address('ad'));
        assert.equal(created.statusCode, 201, created.body);
      }
      const refused = await inviteAd(t, org, session, 'ad-refused@example.com');
      assert.equal(refused.statusCode, 429);
      assertRetryAfter(refused, 3600);
      assert.equal(refused.json().code, 'RATE_LIMITED');
      const user = await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email_canonical', '=', 'ad-refused@example.com')
        .executeTakeFirst();
      assert.equal(user, undefined);
      assert.equal((await invitationsOf(t.deps, org.organization.id)).length, 3);
    });
  });

  describe(`rate limits: emails per recipient per day, suppressed silently [${dialect}]`, () => {
    let t: TestApp;
    let orgs: TestOrganization[];

    before(async () => {
      t = await startTestApp(dialect, { RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY: '2' }, { smtp: true });
      orgs = [];
      for (const name of ['Alpha', 'Beta', 'Gamma', 'Delta']) orgs.push(await createTestOrganization(t, name));
    });
    after(() => t.close());

    /** What a caller sees of a created invitation, without what differs between any two invitations. */
    const comparable = (response: LightMyRequestResponse) => {
      const { id, organizationId, createdAt, updatedAt, expiresAt, role, inviter, ...rest } = response.json();
      return {
        status: response.statusCode,
        headers: Object.keys(response.headers).sort(),
        body: rest,
        types: [id, organizationId, createdAt, updatedAt, expiresAt].map((v) => typeof v),
      };
    };

    test('the 3rd invitation to one address in a day is created and answered like the others, but its email is never delivered', async () => {
      const target = 'Popular.Person@Example.com';
      const responses: LightMyRequestResponse[] = [];
      for (const org of orgs.slice(0, 3)) responses.push(await inviteNative(t, org, target));
      for (const response of responses) assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(comparable(responses[2]!), comparable(responses[0]!));
      assert.deepEqual(comparable(responses[2]!), comparable(responses[1]!));

      await waitForOutboxIdle(t);
      await t.smtp!.waitFor(2);
      const delivered = t.smtp!.received.filter((mail) => mail.to.toLowerCase() === target.toLowerCase());
      assert.equal(delivered.length, 2);
      assert.ok(delivered.every((mail) => !/Gamma/.test(mail.subject)));

      // The invitation exists; its email is recorded like a delivery, with the reason for the operator.
      const third = await outboxOf(t.deps, orgs[2]!.organization.id);
      assert.equal(third.length, 1);
      assert.equal(third[0]!.status, 'SENT');
      assert.equal(third[0]!.secret, null);
      assert.match(third[0]!.last_error!, /not sent: .*RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY/);
      assert.equal((await invitationsOf(t.deps, orgs[2]!.organization.id))[0]!.status, 'PENDING');

      // Reading the invitations later tells nothing either: the suppressed one reads as sent.
      const read = async (index: number) => {
        const response = await t.app.inject({
          method: 'GET',
          url: `/v1/organizations/${orgs[index]!.organization.id}/invitations/${responses[index]!.json().id}`,
          headers: bearer(orgs[index]!.token),
        });
        const { sendCount, lastSentAt, status } = response.json();
        return { sendCount, sent: typeof lastSentAt, status };
      };
      assert.deepEqual(await read(2), await read(0));
      assert.deepEqual(await read(2), { sendCount: 1, sent: 'string', status: 'PENDING' });

      // A resend answers as usual and sends nothing either.
      const resent = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${orgs[0]!.organization.id}/invitations/${responses[0]!.json().id}/resend`,
        headers: bearer(orgs[0]!.token),
        payload: {},
      });
      assert.equal(resent.statusCode, 200, resent.body);
      assert.equal(resent.json().status, 'PENDING');
      await waitForOutboxIdle(t);
      const first = await outboxOf(t.deps, orgs[0]!.organization.id);
      assert.deepEqual(first.map((row) => row.status).sort(), ['SENT', 'SENT']);
      assert.equal(first.filter((row) => row.last_error?.startsWith('not sent:')).length, 1);
      assert.equal((await read(0)).sendCount, 2);
      assert.equal(t.smtp!.received.filter((mail) => mail.to.toLowerCase() === target.toLowerCase()).length, 2);
    });

    test('the documented surfaces suppress the same way: tenant inviteusers answers its empty 200 and the email is not delivered', async () => {
      const target = address('surface');
      assert.equal((await inviteNative(t, orgs[0]!, target)).statusCode, 201);
      assert.equal((await inviteNative(t, orgs[1]!, target)).statusCode, 201);
      const response = await inviteTenantUsers(t, orgs[3]!, [target, address('surface')]);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.body, '');
      await waitForOutboxIdle(t);
      assert.equal(t.smtp!.received.filter((mail) => mail.to === target).length, 2);
      const delta = await outboxOf(t.deps, orgs[3]!.organization.id);
      assert.deepEqual(delta.map((row) => row.status).sort(), ['SENT', 'SENT']);
      assert.equal(delta.filter((row) => row.last_error?.startsWith('not sent:')).length, 1);
    });

    test('an address with or without a +tag is one recipient: x+1@, x+2@ and x@ from three organizations share one daily budget', async () => {
      const [local, domain] = address('tagged').split('@');
      const targets = [`${local}+1@${domain}`, `${local}+2@${domain}`, `${local}@${domain}`];
      const responses: LightMyRequestResponse[] = [];
      for (const [index, target] of targets.entries()) responses.push(await inviteNative(t, orgs[index + 1]!, target));
      for (const response of responses) assert.equal(response.statusCode, 201, response.body);
      // Each invitation keeps its address as entered, tag and all.
      assert.deepEqual(
        responses.map((response) => response.json().email),
        targets,
      );

      await waitForOutboxIdle(t);
      const deliveredTo = (target: string) => t.smtp!.received.filter((mail) => mail.to === target).length;
      assert.deepEqual(targets.map(deliveredTo), [1, 1, 0]);
      // The third is suppressed as over the limit, like any over-limit email.
      const third = (await outboxOf(t.deps, orgs[3]!.organization.id)).filter(
        (row) => row.invitation_id === responses[2]!.json().id,
      );
      assert.equal(third.length, 1);
      assert.equal(third[0]!.status, 'SENT');
      assert.equal(third[0]!.secret, null);
      assert.match(third[0]!.last_error!, /not sent: .*RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY/);
    });

    test('an invitation that is refused sends nothing and counts nothing against its recipient', async () => {
      const target = address('refused');
      assert.equal((await inviteNative(t, orgs[0]!, target)).statusCode, 201);
      for (let i = 0; i < 3; i++) assert.equal((await inviteNative(t, orgs[0]!, target)).statusCode, 409);
      assert.equal((await inviteNative(t, orgs[1]!, target)).statusCode, 201);
      await waitForOutboxIdle(t);
      assert.equal(t.smtp!.received.filter((mail) => mail.to === target).length, 2);
    });
  });

  describe(`rate limits: pending invitations per organization [${dialect}]`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect, { PENDING_INVITATIONS_MAX_PER_ORG: '3' });
    });
    after(() => t.close());

    test('past the cap an invitation is a 409 PENDING_INVITATION_LIMIT without Retry-After; revoking one, or one expiring, makes room', async () => {
      const org = await createTestOrganization(t, 'Capped Org');
      const created = [];
      for (let i = 0; i < 3; i++) {
        const response = await inviteNative(t, org, address('cap'));
        assert.equal(response.statusCode, 201);
        created.push(response.json());
      }
      const refused = await inviteNative(t, org, 'cap-refused@example.com');
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.headers['retry-after'], undefined);
      assert.equal(refused.json().code, 'PENDING_INVITATION_LIMIT');
      assert.equal((await invitationsOf(t.deps, org.organization.id)).length, 3);

      const revoked = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations/${created[0].id}/revoke`,
        headers: bearer(org.token),
      });
      assert.equal(revoked.statusCode, 200);
      assert.equal((await inviteNative(t, org, address('cap'))).statusCode, 201);
      assert.equal((await inviteNative(t, org, address('cap'))).statusCode, 409);

      // Expired invitations are not pending, whatever their stored status.
      t.clock.advance(8 * 86_400);
      const token = await tokenFor(t, org.clientId, org.clientSecret);
      assert.equal((await inviteNative(t, org, address('cap'), token)).statusCode, 201);
    });

    test('a bulk creates what fits and answers 409 for the rest; the documented surfaces refuse the whole request in their format', async () => {
      const org = await createTestOrganization(t, 'Capped Bulk Org');
      assert.equal((await inviteNative(t, org, address('capb'))).statusCode, 201);
      const bulk = await inviteBulk(t, org, [address('capb'), address('capb'), address('capb')]);
      assert.equal(bulk.statusCode, 200);
      assert.deepEqual(
        bulk.json().results.map((result: { status: number }) => result.status),
        [201, 201, 409],
      );
      assert.equal(bulk.json().results[2].error.code, 'PENDING_INVITATION_LIMIT');

      const other = await createTestOrganization(t, 'Capped Tenant');
      const tenant = await inviteTenantUsers(t, other, [
        address('capt'),
        address('capt'),
        address('capt'),
        address('capt'),
      ]);
      assert.equal(tenant.statusCode, 409);
      assert.deepEqual(Object.keys(tenant.json()), ['title', 'status', 'detail']);
      assert.equal(tenant.json().title, 'Conflict');
      assert.match(tenant.json().detail, /at most 3 pending invitations/);
      assert.equal((await invitationsOf(t.deps, other.organization.id)).length, 0);

      const v1 = await createTestOrganization(t, 'Capped V1');
      for (let i = 0; i < 3; i++) assert.equal((await inviteUsersV1(t, v1, address('capv'))).statusCode, 200);
      const refused = await inviteUsersV1(t, v1, address('capv'));
      assert.equal(refused.statusCode, 409);
      assert.deepEqual(refused.json(), { error: 'Conflict', message: refused.json().message, code: 409 });
    });
  });

  describe(`rate limits: token, sign-in and accept attempts per client address [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect, {
        RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '3',
        RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_MINUTE: '3',
        RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE: '3',
      });
      org = await createTestOrganization(t, 'Attempts Org');
    });
    after(() => t.close());

    test('POST /oauth/token: the 4th attempt a minute from one address is a 429 in RFC 6749 form with Retry-After, even with the right secret', async () => {
      const remoteAddress = '192.0.2.1';
      for (let i = 0; i < 3; i++) assert.equal((await tokenAttempt(t, { remoteAddress })).statusCode, 401);
      const refused = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        remoteAddress,
        payload: { grant_type: 'client_credentials', client_id: org.clientId, client_secret: org.clientSecret },
      });
      assert.equal(refused.statusCode, 429);
      assertRetryAfter(refused, 60);
      assert.equal(refused.headers['cache-control'], 'no-store');
      assert.deepEqual(Object.keys(refused.json()), ['error', 'error_description']);
      assert.equal(refused.json().error, 'temporarily_unavailable');

      // Another address has a minute of its own.
      assert.equal((await tokenAttempt(t, { remoteAddress: '192.0.2.2' })).statusCode, 401);
    });

    test('POST /v1/sessions: the 4th sign-in a minute from one address is a 429 problem with Retry-After, even with the right password', async () => {
      const remoteAddress = '192.0.2.5';
      const signIn = (password: string, from = remoteAddress) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/sessions',
          remoteAddress: from,
          payload: { email: org.owner!.email, password },
        });
      for (let i = 0; i < 3; i++) assert.equal((await signIn(`Wrong-Guess-${i}!`)).statusCode, 401);
      const refused = await signIn(org.ownerPassword);
      assert.equal(refused.statusCode, 429);
      assertRetryAfter(refused, 60);
      assert.equal(refused.json().code, 'RATE_LIMITED');
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      const sessions = await t.deps.db.selectFrom('sessions').select('id').execute();

      // Another address has a minute of its own, and the right password still works there.
      assert.equal((await signIn(org.ownerPassword, '192.0.2.6')).statusCode, 201);
      assert.equal((await t.deps.db.selectFrom('sessions').select('id').execute()).length, sessions.length + 1);
    });

    test('without TRUST_PROXY, X-Forwarded-For is ignored: a client cannot take a new address per attempt', async () => {
      const remoteAddress = '192.0.2.3';
      for (let i = 0; i < 3; i++) {
        assert.equal((await tokenAttempt(t, { remoteAddress, forwardedFor: `203.0.113.${i + 1}` })).statusCode, 401);
      }
      assert.equal((await tokenAttempt(t, { remoteAddress, forwardedFor: '203.0.113.99' })).statusCode, 429);
    });

    test('an IPv6 client is counted by its /64: a new address in the same network does not get a new minute', async () => {
      for (let i = 0; i < 3; i++)
        assert.equal((await tokenAttempt(t, { remoteAddress: `2001:db8:1:2::${i + 1}` })).statusCode, 401);
      assert.equal((await tokenAttempt(t, { remoteAddress: '2001:db8:1:2:ffff::9' })).statusCode, 429);
      assert.equal((await tokenAttempt(t, { remoteAddress: '2001:db8:1:3::1' })).statusCode, 401);
    });

    test('lookup, accept and decline share one budget per address: the 4th is a 429 problem with Retry-After', async () => {
      const remoteAddress = '192.0.2.4';
      const attempt = (path: string, payload: Record<string, unknown>) =>
        t.app.inject({ method: 'POST', url: `/v1/invitations/${path}`, remoteAddress, payload });
      assert.equal((await attempt('lookup', { token: 'not-a-real-token' })).statusCode, 404);
      assert.equal(
        (await attempt('accept', { token: 'not-a-real-token', password: 'Str0ng-Passw0rd!' })).statusCode,
        404,
      );
      assert.equal((await attempt('decline', { token: 'not-a-real-token' })).statusCode, 404);
      const refused = await attempt('lookup', { token: 'not-a-real-token' });
      assert.equal(refused.statusCode, 429);
      assertRetryAfter(refused, 60);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(refused.json().code, 'RATE_LIMITED');
    });

    test("the invitee page's forms: the 4th POST is a 429 HTML page with Retry-After, and nothing is accepted", async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(org.token),
        payload: { email: address('page'), sendEmail: false },
      });
      const link = new URL(created.json().acceptUrl as string).pathname;
      const remoteAddress = '192.0.2.5';
      const page = await t.app.inject({ url: link, remoteAddress });
      assert.equal(page.statusCode, 200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const post = (path: string, form: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url: `${link}/${path}`,
          remoteAddress,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          payload: new URLSearchParams(form).toString(),
        });
      assert.equal((await post('accept', { _csrf: 'forged' })).statusCode, 403);
      assert.equal((await post('decline', { _csrf: 'forged' })).statusCode, 403);
      assert.equal((await post('accept', { _csrf: csrf, password: 'short' })).statusCode, 400);
      const refused = await post('accept', { _csrf: csrf, password: 'Str0ng-Passw0rd!' });
      assert.equal(refused.statusCode, 429);
      assertRetryAfter(refused, 60);
      assert.match(refused.headers['content-type'] as string, /^text\/html/);
      assert.match(refused.body, /Too many attempts/);
      assert.equal(refused.headers['cache-control'], 'no-store');
      assert.equal(
        (await invitationsOf(t.deps, org.organization.id)).find((row) => row.status !== 'PENDING'),
        undefined,
      );
    });
  });

  describe(`rate limits: TRUST_PROXY decides the client address [${dialect}]`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect, { TRUST_PROXY: 'loopback', RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '2' });
    });
    after(() => t.close());

    test('behind a trusted proxy, X-Forwarded-For names the client: each client has its own budget', async () => {
      const viaProxy = (client: string) => tokenAttempt(t, { remoteAddress: '127.0.0.1', forwardedFor: client });
      assert.equal((await viaProxy('203.0.113.10')).statusCode, 401);
      assert.equal((await viaProxy('203.0.113.10')).statusCode, 401);
      assert.equal((await viaProxy('203.0.113.10')).statusCode, 429);
      // Another client behind the same proxy is not refused.
      assert.equal((await viaProxy('203.0.113.11')).statusCode, 401);
      // A spoofed entry before the proxy's own does not help: the proxy appends the real client last.
      assert.equal((await viaProxy('198.51.100.1, 203.0.113.10')).statusCode, 429);
    });

    test('from an address that is not a trusted proxy, X-Forwarded-For is still ignored', async () => {
      const direct = (forwardedFor: string) => tokenAttempt(t, { remoteAddress: '192.0.2.50', forwardedFor });
      assert.equal((await direct('203.0.113.20')).statusCode, 401);
      assert.equal((await direct('203.0.113.21')).statusCode, 401);
      assert.equal((await direct('203.0.113.22')).statusCode, 429);
    });
  });

  describe(`rate limits: shared through Redis [${dialect}]`, () => {
    let redisUp = false;

    before(async () => {
      const probe = new Redis(REDIS_URL, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        connectTimeout: 1000,
        retryStrategy: () => null,
      });
      try {
        await probe.connect();
        redisUp = (await probe.ping()) === 'PONG';
      } catch {
        redisUp = false;
      } finally {
        probe.disconnect();
      }
    });

    after(async () => {
      if (!redisUp) return;
      // The keys expire by themselves; this run's are removed anyway.
      const cleaner = new Redis(REDIS_URL);
      const keys = await cleaner.keys(`${RUN_PREFIX}*`);
      if (keys.length > 0) await cleaner.del(...keys);
      await cleaner.quit();
    });

    function requireRedis(context: TestContext): boolean {
      if (redisUp) return true;
      if (process.env.CI) assert.fail(`Redis is not reachable at ${REDIS_URL}`);
      context.skip(`Redis is not reachable at ${REDIS_URL} (set TEST_REDIS_URL)`);
      return false;
    }

    /** A second Tessera process, in effect: its own deps and app on the same database. */
    async function secondInstance(
      t: TestApp,
      env: Record<string, string>,
    ): Promise<{ app: App; deps: ServiceDeps; close(): Promise<void> }> {
      const config = loadConfig({
        DATABASE_URL: t.database.url,
        LOG_LEVEL: 'silent',
        SEED_DEMO: 'false',
        ...GENEROUS_LIMITS,
        ...env,
      });
      const deps = await createServiceDeps(config, t.database.handle, t.clock);
      const app = await buildApp({ deps, logger: false });
      await app.ready();
      await deps.limits.connect(app.log);
      return {
        app,
        deps,
        close: async () => {
          await app.close();
          await deps.limits.close();
        },
      };
    }

    test("two instances count one organization's invitations and one address's token attempts together", async (context) => {
      if (!requireRedis(context)) return;
      const env = {
        REDIS_URL,
        REDIS_KEY_PREFIX: `${RUN_PREFIX}-shared-${dialect}`,
        RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '4',
        RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '3',
      };
      const t = await startTestApp(dialect, env);
      const other = await secondInstance(t, env);
      try {
        const org = await createTestOrganization(t, 'Shared Org');
        const inviteOn = (app: App) =>
          app.inject({
            method: 'POST',
            url: `/v1/organizations/${org.organization.id}/invitations`,
            headers: bearer(org.token),
            payload: { email: address('shared') },
          });
        assert.equal((await inviteOn(t.app)).statusCode, 201);
        assert.equal((await inviteOn(other.app)).statusCode, 201);
        assert.equal((await inviteOn(t.app)).statusCode, 201);
        assert.equal((await inviteOn(other.app)).statusCode, 201);
        const refused = await inviteOn(t.app);
        assert.equal(refused.statusCode, 429);
        assertRetryAfter(refused, 3600);
        assert.equal((await inviteOn(other.app)).statusCode, 429);

        const attempt = (app: App) =>
          app.inject({
            method: 'POST',
            url: '/oauth/token',
            remoteAddress: '192.0.2.77',
            payload: { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' },
          });
        assert.equal((await attempt(t.app)).statusCode, 401);
        assert.equal((await attempt(other.app)).statusCode, 401);
        assert.equal((await attempt(t.app)).statusCode, 401);
        assert.equal((await attempt(other.app)).statusCode, 429);

        // The counters are in Redis, under this run's prefix.
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}:*`);
        await redis.quit();
        assert.ok(
          keys.some((key) => key.includes(':invitations-org:org:')),
          keys.join(', '),
        );
        assert.ok(
          keys.some((key) => key.includes(':attempts-token:token:192.0.2.77')),
          keys.join(', '),
        );
      } finally {
        await other.close();
        await t.close();
      }
    });

    test('Redis going away: no 5xx, and each instance keeps limiting in memory; a stalled Redis does not hold requests', async (context) => {
      if (!requireRedis(context)) return;
      const proxy = await TcpProxy.start(new URL(REDIS_URL));
      const t = await startTestApp(dialect, {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        REDIS_KEY_PREFIX: `${RUN_PREFIX}-outage-${dialect}`,
        RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '3',
      });
      try {
        const org = await createTestOrganization(t, 'Outage Org');
        const attempt = (remoteAddress: string) =>
          t.app.inject({
            method: 'POST',
            url: '/oauth/token',
            remoteAddress,
            payload: { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' },
          });
        assert.equal((await attempt('192.0.2.90')).statusCode, 401);

        // Redis stops answering (the connection stays open): commands time out, requests go on.
        proxy.stall();
        assert.equal((await inviteNative(t, org, address('stalled'))).statusCode, 201);
        assert.equal((await attempt('192.0.2.91')).statusCode, 401);

        // Redis goes away altogether.
        await proxy.stop();
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await inviteNative(t, org, address('outage'))).statusCode);
        for (let i = 0; i < 4; i++) statuses.push((await attempt('192.0.2.92')).statusCode);
        assert.ok(
          statuses.every((status) => status < 500),
          statuses.join(', '),
        );
        // The in-memory insurance still limits: the 4th attempt from one address is refused.
        assert.deepEqual(statuses.slice(5), [401, 401, 401, 429]);
        assert.ok(
          t.logs.some((line) => line.includes('Redis is unreachable')),
          'the outage is logged',
        );
      } finally {
        await t.close();
        await proxy.stop();
      }
    });

    test('Redis unreachable from the start: Tessera starts, answers, and limits in memory', async () => {
      const port = await freePort();
      const t = await startTestApp(dialect, {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '2',
      });
      try {
        const org = await createTestOrganization(t, 'No Redis Org');
        assert.equal((await inviteNative(t, org, address('noredis'))).statusCode, 201);
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await tokenAttempt(t, { remoteAddress: '192.0.2.99' })).statusCode);
        assert.deepEqual(statuses, [401, 401, 429]);
      } finally {
        await t.close();
      }
    });
  });
}

/**
 * A TCP proxy in front of the real Redis, so a test can take "Redis" away (or make it stop
 * answering) without touching the server other tests and processes use.
 */
class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private stalled = false;
  port = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
  ) {}

  static async start(target: URL): Promise<TcpProxy> {
    const proxy: TcpProxy = new TcpProxy(
      createServer((client) => proxy.pipe(client)),
      target,
    );
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  private pipe(client: Socket): void {
    const upstream = new Socket();
    upstream.connect(Number(this.target.port || 6379), this.target.hostname);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => this.sockets.delete(socket));
    }
    client.on('data', (chunk) => {
      if (!this.stalled) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!this.stalled) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Keeps the connections open and forwards nothing more. */
  stall(): void {
    this.stalled = true;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
