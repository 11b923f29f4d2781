import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import type { Transact } from '../../src/db/write-batcher.js';
import { recordChanges } from '../../src/modules/events/event.service.js';
import { sweepExpiredInvitations } from '../../src/modules/invitations/invitation.expiry.js';
import { linkToken } from '../helpers/links.js';
import {
  bearer,
  createTestOrganization,
  platformToken,
  problem,
  startTestApp,
  type TestApp,
  type TestOrganization,
  tokenFor,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';

interface EventBody {
  id: string;
  type: string;
  organizationId: string | null;
  occurredAt: string;
  actor: { type: string; id?: string };
  data: Record<string, any>;
}

for (const dialect of DIALECTS) {
  describe(`events, written with each change [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let other: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
    });
    after(() => t.close());

    async function page(o: TestOrganization, query = ''): Promise<{ data: EventBody[]; nextAfter: string }> {
      const response = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${o.organization.id}/events${query}`,
        headers: bearer(o.token),
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    }

    /** Every event of the organization, walked page by page from the start (or from `after`). */
    async function walk(o: TestOrganization, after?: string): Promise<{ events: EventBody[]; nextAfter: string }> {
      const events: EventBody[] = [];
      let position = after;
      for (;;) {
        const { data, nextAfter } = await page(o, `?limit=2${position ? `&after=${position}` : ''}`);
        assert.ok(nextAfter, 'nextAfter is always present');
        events.push(...data);
        if (data.length === 0) return { events, nextAfter };
        position = nextAfter;
      }
    }

    async function invite(o: TestOrganization, payload: Record<string, unknown>) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.organization.id}/invitations`,
        headers: bearer(o.token),
        payload,
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json();
    }

    test('create, resend, revoke through /v1: one event each, the invitation as the API shows it, by the client', async () => {
      const { nextAfter: start } = await walk(org);
      const created = await invite(org, { email: 'ev-1@example.com', metadata: { team: 'blue' } });
      const resent = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations/${created.id}/resend`,
        headers: bearer(org.token),
        payload: {},
      });
      assert.equal(resent.statusCode, 200, resent.body);
      const revoked = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations/${created.id}/revoke`,
        headers: bearer(org.token),
      });
      assert.equal(revoked.statusCode, 200, revoked.body);

      const { events } = await walk(org, start);
      assert.deepEqual(
        events.map((event) => event.type),
        ['invitation.created', 'invitation.resent', 'invitation.revoked'],
      );
      for (const event of events) {
        assert.match(event.id, /^evt_[0-9a-f]{32}$/);
        assert.equal(event.organizationId, org.organization.id);
        assert.deepEqual(event.actor, { type: 'client', id: org.clientId });
        assert.equal(event.data.id, created.id);
      }
      const { acceptUrl: _none, ...view } = created;
      assert.deepEqual(events[0]!.data, view, 'the created event carries the invitation as the response showed it');
      assert.equal(events[1]!.data.sendCount, resent.json().sendCount);
      assert.equal(events[2]!.data.status, 'REVOKED');
      assert.deepEqual(events[2]!.data, revoked.json());
    });

    test('no link token, password hash or secret in any event', async () => {
      const { acceptUrl } = await invite(org, { email: 'ev-secret@example.com', sendEmail: false });
      const token = linkToken(acceptUrl);
      const { events } = await walk(org);
      const text = JSON.stringify(events);
      assert.ok(!text.includes(token), 'the link token');
      const keys = new Set<string>();
      const collect = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (value && typeof value === 'object')
          for (const [key, inner] of Object.entries(value)) {
            keys.add(key);
            collect(inner);
          }
      };
      collect(events);
      for (const key of keys) assert.ok(!/token|hash|secret|password$|acceptUrl/i.test(key), `a field named ${key}`);
      assert.ok(!/scrypt:/.test(text));
      const stored = await t.deps.db.selectFrom('events').select('data').execute();
      assert.ok(!stored.some((row) => row.data.includes(token)));
    });

    test("accept and decline through the invitee's link: invitation.accepted with the user and membership, membership.created, invitation.declined", async () => {
      const { nextAfter: start } = await walk(org);
      const accepted = await invite(org, { email: 'ev-accept@example.com', sendEmail: false });
      const acceptResponse = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: linkToken(accepted.acceptUrl), password: 'Accept-Passw0rd!' },
      });
      assert.equal(acceptResponse.statusCode, 200, acceptResponse.body);
      const declined = await invite(org, { email: 'ev-decline@example.com', sendEmail: false });
      const declineResponse = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/decline',
        payload: { token: linkToken(declined.acceptUrl) },
      });
      assert.equal(declineResponse.statusCode, 204, declineResponse.body);

      const { events } = await walk(org, start);
      assert.deepEqual(
        events.map((event) => event.type),
        [
          'invitation.created',
          'invitation.accepted',
          'membership.created',
          'invitation.created',
          'invitation.declined',
        ],
      );
      const [, acceptedEvent, membershipEvent, , declinedEvent] = events as [
        EventBody,
        EventBody,
        EventBody,
        EventBody,
        EventBody,
      ];
      const user = await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email_canonical', '=', 'ev-accept@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(acceptedEvent.data.status, 'ACCEPTED');
      assert.equal(acceptedEvent.data.userId, user.id);
      assert.deepEqual(acceptedEvent.actor, { type: 'invitee', id: user.id });
      assert.equal(acceptedEvent.data.membership.user.id, user.id);
      assert.equal(acceptedEvent.data.membership.status, 'ACTIVE');
      assert.deepEqual(membershipEvent.data, acceptedEvent.data.membership);
      const member = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${org.organization.id}/members/${user.id}`,
        headers: bearer(org.token),
      });
      assert.equal(member.statusCode, 200, member.body);
      assert.deepEqual(membershipEvent.data, member.json(), 'the membership as the members API shows it');
      assert.equal(declinedEvent.data.status, 'DECLINED');
      assert.deepEqual(declinedEvent.actor, { type: 'invitee' });
    });

    test('member changes and owner assignment: membership.updated, membership.deleted, organization.updated', async () => {
      const { nextAfter: start } = await walk(org);
      const { acceptUrl } = await invite(org, { email: 'ev-member@example.com', sendEmail: false });
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: linkToken(acceptUrl), password: 'Member-Passw0rd!' },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const userId = accepted.json().session.user.id;
      const member = `/v1/organizations/${org.organization.id}/members/${userId}`;
      const changed = await t.app.inject({
        method: 'PATCH',
        url: member,
        headers: bearer(org.token),
        payload: { roleName: 'Administrator' },
      });
      assert.equal(changed.statusCode, 200, changed.body);
      const owner = await t.app.inject({
        method: 'PUT',
        url: `/v1/organizations/${org.organization.id}/owner`,
        headers: bearer(org.token),
        payload: { email: 'ev-member@example.com' },
      });
      assert.equal(owner.statusCode, 200, owner.body);
      const previousOwner = org.owner!.id;
      const removed = await t.app.inject({
        method: 'DELETE',
        url: `/v1/organizations/${org.organization.id}/members/${previousOwner}`,
        headers: bearer(org.token),
      });
      assert.equal(removed.statusCode, 204, removed.body);
      const { events } = await walk(org, start);
      assert.deepEqual(
        events.map((event) => event.type),
        [
          'invitation.created',
          'invitation.accepted',
          'membership.created',
          'membership.updated',
          'organization.updated',
          'membership.updated',
          'membership.deleted',
        ],
      );
      assert.equal(events[3]!.data.role.name, 'Administrator');
      assert.deepEqual(events[3]!.data, changed.json());
      assert.equal(events[4]!.data.owner.id, userId, 'the new owner');
      assert.equal(events[5]!.data.isOwner, true);
      assert.equal(events[6]!.data.user.id, previousOwner);
      for (const event of events.slice(3)) assert.deepEqual(event.actor, { type: 'client', id: org.clientId });
    });

    test('a platform client creates an organization: organization.created and its owner’s membership.created', async () => {
      const platform = await platformToken(t);
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: { name: 'Evented', owner: { email: 'evented-owner@example.com' } },
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().organization.id;
      const events = await t.app.inject({
        method: 'GET',
        url: `/v1/events?organizationId=${id}`,
        headers: bearer(platform),
      });
      const data = events.json().data as EventBody[];
      assert.deepEqual(
        data.map((event) => event.type),
        ['organization.created', 'membership.created'],
      );
      assert.deepEqual(data[0]!.data, created.json().organization);
      assert.equal(data[0]!.actor.type, 'client');
      assert.equal(data[1]!.data.isOwner, true);
    });

    test('a bulk writes one invitation.created per invitation, in the order of the request', async () => {
      const { nextAfter: start } = await walk(org);
      const emails = ['bulk-ev-1@example.com', 'bulk-ev-2@example.com', 'bulk-ev-3@example.com'];
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations/bulk`,
        headers: bearer(org.token),
        payload: { invitations: [...emails.map((email) => ({ email })), { email: emails[0] }] },
      });
      assert.equal(response.statusCode, 200, response.body);
      const { events } = await walk(org, start);
      assert.deepEqual(
        events.map((event) => [event.type, event.data.email]),
        emails.map((email) => ['invitation.created', email]),
      );
    });

    test('invitation.expired: once per invitation, by the sweep, even when it runs twice or a create reclaims the slot', async () => {
      const { nextAfter: start } = await walk(org);
      const swept = await invite(org, { email: 'ev-expire@example.com', expiresInDays: 1 });
      const reclaimed = await invite(org, { email: 'ev-reclaim@example.com', expiresInDays: 1 });
      t.clock.advance(2 * 86_400);
      // Access tokens expire too: new ones, on the moved clock.
      org.token = await tokenFor(t, org.clientId, org.clientSecret);
      other.token = await tokenFor(t, other.clientId, other.clientSecret);
      // A new invitation to the second address expires the stale one first: its event, once.
      await invite(org, { email: 'ev-reclaim@example.com' });
      assert.ok((await sweepExpiredInvitations(t.deps)) >= 1);
      assert.equal(await sweepExpiredInvitations(t.deps), 0);
      const { events } = await walk(org, start);
      const expired = events.filter((event) => event.type === 'invitation.expired');
      assert.deepEqual(expired.map((event) => event.data.id).sort(), [swept.id, reclaimed.id].sort());
      for (const event of expired) {
        assert.equal(event.data.status, 'EXPIRED');
        assert.deepEqual(event.actor, { type: 'system' });
        assert.equal(event.occurredAt, event.data.expiresAt, 'when it expired');
      }
      const stored = await t.deps.db
        .selectFrom('invitations')
        .select('status')
        .where('id', '=', swept.id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.status, 'EXPIRED');
    });

    test("another organization's events are never listed, and its events route is a 404", async () => {
      await invite(other, { email: 'other-ev@example.com' });
      const { events } = await walk(org);
      assert.ok(events.length > 0);
      assert.ok(events.every((event) => event.organizationId === org.organization.id));
      assert.ok(!JSON.stringify(events).includes('other-ev@example.com'));
      const theirs = await walk(other);
      assert.ok(theirs.events.every((event) => event.organizationId === other.organization.id));
      const response = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${org.organization.id}/events`,
        headers: bearer(other.token),
      });
      assert.equal(problem(response).status, 404);
      // An event id of the other organization is no position here.
      const foreign = theirs.events[0]!.id;
      const withForeign = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${org.organization.id}/events?after=${foreign}`,
        headers: bearer(org.token),
      });
      assert.equal(problem(withForeign).code, 'INVALID_CURSOR');
    });

    test('the walk: pages of limit, types filter, after an event id, nextAfter always present, bad queries 400', async () => {
      const all = (await walk(org)).events;
      const single = await page(org, `?limit=${all.length + 5}`);
      assert.deepEqual(single.data, all, 'paging changes nothing');
      const revokedOnly = await page(org, '?types=invitation.revoked,invitation.declined&limit=100');
      assert.deepEqual(
        revokedOnly.data.map((event) => event.id),
        all.filter((e) => ['invitation.revoked', 'invitation.declined'].includes(e.type)).map((e) => e.id),
      );
      const fromThird = await page(org, `?after=${all[2]!.id}&limit=100`);
      assert.deepEqual(fromThird.data, all.slice(3));
      const end = await page(org, `?after=${single.nextAfter}`);
      assert.deepEqual(end.data, []);
      assert.equal(end.nextAfter, single.nextAfter, 'at the end, nextAfter is where the reader stands');
      assert.doesNotMatch(single.nextAfter, /\d+\.\d+/, 'opaque: no position counted across organizations');
      for (const query of ['?limit=0', '?limit=101', '?types=invitation.nope', '?after=garbage', '?other=1']) {
        const response = await t.app.inject({
          method: 'GET',
          url: `/v1/organizations/${org.organization.id}/events${query}`,
          headers: bearer(org.token),
        });
        assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      }
    });

    test('/v1/events: a platform client reads every organization, or one; an organization client is refused', async () => {
      const platform = await platformToken(t);
      const everything = await t.app.inject({
        method: 'GET',
        url: '/v1/events?limit=100',
        headers: bearer(platform),
      });
      assert.equal(everything.statusCode, 200, everything.body);
      const organizations = new Set(everything.json().data.map((event: EventBody) => event.organizationId));
      assert.ok(organizations.has(org.organization.id) && organizations.has(other.organization.id));
      const one = await t.app.inject({
        method: 'GET',
        url: `/v1/events?limit=100&organizationId=${other.organization.id}`,
        headers: bearer(platform),
      });
      assert.ok(one.json().data.every((event: EventBody) => event.organizationId === other.organization.id));
      const refused = await t.app.inject({ method: 'GET', url: '/v1/events', headers: bearer(org.token) });
      assert.equal(refused.statusCode, 403, refused.body);
    });

    if (dialect === 'postgres') {
      test('a transaction left open in another database of the server does not hold the walk back', async () => {
        const { nextAfter: start } = await walk(org);
        // Another application's database on the same server: a write transaction, left open.
        const elsewhere = new pg.Client({ connectionString: t.database.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
        await elsewhere.connect();
        try {
          await elsewhere.query('begin');
          await elsewhere.query('select pg_current_xact_id()');
          const invitation = await invite(org, { email: 'not-held-back@example.com' });
          const { events } = await walk(org, start);
          assert.deepEqual(
            events.map((event) => event.data.id),
            [invitation.id],
            "listed at once, though the other database's transaction is still open",
          );
        } finally {
          await elsewhere.query('rollback');
          await elsewhere.end();
        }
      });

      test('a transaction that commits after later ones: the walk still returns every event once, in order', async () => {
        const { nextAfter: start } = await walk(org);
        let release!: () => void;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let wrote!: () => void;
        const written = new Promise<void>((resolve) => {
          wrote = resolve;
        });
        // An event written first, by a transaction that stays open while others commit.
        const held = t.deps.db.transaction().execute(async (trx) => {
          await recordChanges(trx, [
            {
              type: 'organization.updated',
              organizationId: org.organization.id,
              actor: { type: 'system' },
              occurredAt: new Date().toISOString(),
              data: { held: true },
            },
          ]);
          wrote();
          await gate;
        });
        await written;
        const later = [];
        for (let i = 0; i < 4; i++) later.push(await invite(org, { email: `late-${i}@example.com` }));

        const during = await walk(org, start);
        assert.deepEqual(during.events, [], 'nothing is listed past a transaction still open');
        release();
        await held;
        const afterCommit = await walk(org, during.nextAfter);
        assert.deepEqual(
          afterCommit.events.map((event) => event.data.held ?? event.data.email),
          [true, ...later.map((invitation) => invitation.email)],
          'the late one first, then the others, each once',
        );
        const again = await walk(org, start);
        assert.deepEqual(
          again.events.map((event) => event.id),
          afterCommit.events.map((event) => event.id),
        );
      });

      test('many writers committing out of order while a reader walks: every event once, in (txid, seq) order', {
        timeout: 120_000,
      }, async (context) => {
        const o = await createTestOrganization(t);
        const WRITERS = 8;
        const ROUNDS = 12;
        const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

        // Every write transaction, the API's included, holds its commit back a random while after its
        // work: a transaction that wrote its events first often commits after later ones.
        const transact = t.deps.transact;
        const committed: bigint[] = [];
        const holding: Transact = async (work) => {
          let txid = 0n;
          const result = await transact(async (trx) => {
            const done = await work(trx);
            const { rows } = await sql<{ txid: string }>`select pg_current_xact_id()::text as txid`.execute(trx);
            txid = BigInt(rows[0]!.txid);
            await sql`select pg_sleep(${Math.random() * 0.08})`.execute(trx);
            return done;
          });
          committed.push(txid);
          return result;
        };
        t.deps.transact = holding;

        const writer = async (w: number) => {
          for (let round = 0; round < ROUNDS; round++) {
            if (Math.random() < 0.5) {
              // Through the API: the invitation service's own transaction, held open before its commit.
              const response = await t.app.inject({
                method: 'POST',
                url: `/v1/organizations/${o.organization.id}/invitations`,
                headers: bearer(o.token),
                payload: { email: `walk-${w}-${round}@example.com`, sendEmail: false },
              });
              assert.equal(response.statusCode, 201, response.body);
            } else {
              // Two events written a random while apart, in one transaction.
              await t.deps.transact(async (trx) => {
                for (const part of [1, 2]) {
                  await recordChanges(trx, [
                    {
                      type: 'organization.updated',
                      organizationId: o.organization.id,
                      actor: { type: 'system' },
                      occurredAt: new Date().toISOString(),
                      data: { writer: w, round, part },
                    },
                  ]);
                  await sql`select pg_sleep(${Math.random() * 0.05})`.execute(trx);
                }
              });
            }
            await pause(Math.random() * 10);
          }
        };

        const seen: EventBody[] = [];
        let readWhileWriting = 0;
        let writing = true;
        let pages = 0;
        let position: string | undefined;
        const readPage = async () => {
          const { data, nextAfter } = await page(o, `?limit=5${position ? `&after=${position}` : ''}`);
          assert.ok(nextAfter, 'nextAfter is always present');
          seen.push(...data);
          if (writing) readWhileWriting += data.length;
          position = nextAfter;
          pages++;
          return data.length;
        };
        const reader = (async () => {
          while (writing) if ((await readPage()) === 0) await pause(Math.random() * 5);
        })();
        reader.catch(() => undefined); // Awaited below, once the writers are done.
        try {
          await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
        } finally {
          writing = false;
          t.deps.transact = transact;
        }
        await reader;

        const expected = (
          await t.deps.db
            .selectFrom('events')
            .select('id')
            .where('organization_id', '=', o.organization.id)
            .orderBy('txid')
            .orderBy('seq')
            .execute()
        ).map((row) => row.id);
        // Every writer has committed: the walk goes on until it is at its end (or has missed some for good).
        const deadline = Date.now() + 10_000;
        while ((await readPage()) > 0 || (seen.length < expected.length && Date.now() < deadline)) await pause(5);

        const ids = seen.map((event) => event.id);
        const missed = expected.filter((id) => !ids.includes(id));
        assert.equal(missed.length, 0, `${missed.length} of ${expected.length} events never returned by the walk`);
        assert.equal(new Set(ids).size, ids.length, 'no event twice');
        assert.deepEqual(ids, expected, 'every event once, in (txid, seq) order');
        // The walk ran during the writes, and the commits really came out of order.
        assert.ok(readWhileWriting > 0, 'events were read while the writers wrote');
        const outOfOrder = committed.filter((txid, i) => committed.slice(i + 1).some((later) => later < txid)).length;
        assert.ok(outOfOrder > 0, 'some transactions committed after later ones');
        context.diagnostic(
          `${expected.length} events of ${committed.length} transactions, ${outOfOrder} committed ` +
            `after a later one; ${readWhileWriting} read while writing, ${pages} pages`,
        );
      });
    }
  });
}
