import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sweepExpiredInvitations } from '../../src/modules/invitations/invitation.expiry.js';
import {
  bearer,
  createTestOrganization,
  inviteAndGetLink,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { waitUntil } from '../helpers/tessera-process.js';
import { DIALECTS } from '../helpers/test-db.js';
import { Receiver } from '../helpers/webhook-receiver.js';

interface EventBody {
  id: string;
  type: string;
  organizationId: string | null;
  actor: { type: string; id?: string };
  data: Record<string, any>;
}

/**
 * Every change, made by each kind of caller (the /v1 API, a documented surface, the invitee on the
 * page, the expiry sweep), reaches the organization's endpoints through the running outbox worker:
 * once per subscribed endpoint, signed, with the event exactly as the events API lists it.
 */
for (const dialect of DIALECTS) {
  describe(`webhooks for every kind of caller, by the outbox worker [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let other: TestOrganization;
    const receivers: Receiver[] = [];

    before(async () => {
      t = await startTestApp(
        dialect,
        { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
        { smtp: true },
      );
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
    });
    after(async () => {
      for (const receiver of receivers) await receiver.stop();
      await t.close();
    });

    async function endpoint(o: TestOrganization, eventTypes: string[]) {
      const hook = await new Receiver().start();
      receivers.push(hook);
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.organization.id}/webhook-endpoints`,
        headers: bearer(o.token),
        payload: { url: hook.url, eventTypes },
      });
      assert.equal(response.statusCode, 201, response.body);
      return { hook, secret: response.json().secret as string };
    }

    async function call(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, status = 200) {
      const response = await t.app.inject({ method, url, headers: bearer(org.token), ...(payload ? { payload } : {}) });
      assert.equal(response.statusCode, status, response.body);
      return response.statusCode === 204 ? undefined : response.json();
    }

    /** Opens the emailed link and submits the page's form, as the invitee's browser does. */
    async function onPage(token: string, action: 'accept' | 'decline', fields: Record<string, string> = {}) {
      const page = await t.app.inject({ url: `/invite/${token}` });
      assert.equal(page.statusCode, 200, page.body);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const response = await t.app.inject({
        method: 'POST',
        url: `/invite/${token}/${action}`,
        headers: {
          cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
      assert.ok(response.statusCode < 400, `${action} on the page: ${response.statusCode} ${response.body}`);
    }

    async function eventsOf(o: TestOrganization): Promise<EventBody[]> {
      const events: EventBody[] = [];
      let after = '';
      for (;;) {
        const response = await t.app.inject({
          url: `/v1/organizations/${o.organization.id}/events?limit=100${after ? `&after=${after}` : ''}`,
          headers: bearer(o.token),
        });
        assert.equal(response.statusCode, 200, response.body);
        const { data, nextAfter } = response.json() as { data: EventBody[]; nextAfter: string };
        if (data.length === 0) return events;
        events.push(...data);
        after = nextAfter;
      }
    }

    test('each event type once per subscribed endpoint, as the events API lists it, whoever made the change', {
      timeout: 60_000,
    }, async () => {
      const all = await endpoint(org, ['*']);
      const onlyAccepted = await endpoint(org, ['invitation.accepted', 'membership.created']);
      const elsewhere = await endpoint(other, ['*']);
      const before = new Set((await eventsOf(org)).map((event) => event.id));
      const base = `/v1/organizations/${org.organization.id}`;

      // The /v1 API, by the organization's client: create, resend, revoke.
      const created = await call('POST', `${base}/invitations`, { email: 'hook-v1@example.com' }, 201);
      await call('POST', `${base}/invitations/${created.id}/resend`, {});
      await call('POST', `${base}/invitations/${created.id}/revoke`, {});
      // A documented surface (the users/v1 invites document).
      await call('POST', '/users/v1/invites', { roleId: org.roles[0]!.id, email: 'hook-surface@example.com' });
      // The invitee, on the page the email links to: one accepts with a new password, one declines.
      const accepted = await inviteAndGetLink(t, org, { email: 'hook-page@example.com' });
      await onPage(accepted.token, 'accept', { password: 'Hooked-Passw0rd!' });
      const declined = await inviteAndGetLink(t, org, { email: 'hook-decline@example.com' });
      await onPage(declined.token, 'decline');
      // Member changes and owner assignment through /v1.
      const userId = (
        await t.deps.db
          .selectFrom('users')
          .select('id')
          .where('email_canonical', '=', 'hook-page@example.com')
          .executeTakeFirstOrThrow()
      ).id;
      await call('PATCH', `${base}/members/${userId}`, { roleName: 'Administrator' });
      await call('PUT', `${base}/owner`, { email: 'hook-page@example.com' });
      await call('DELETE', `${base}/members/${org.owner!.id}`, undefined, 204);
      // The expiry sweep, as the system: an invitation whose expiry has come (the event occurs at
      // `expiresAt`: an endpoint receives the events that occur once it exists).
      const expiring = await call('POST', `${base}/invitations`, { email: 'hook-expired@example.com' }, 201);
      await t.deps.db
        .updateTable('invitations')
        .set({ expires_at: t.clock.now().toISOString() })
        .where('id', '=', expiring.id)
        .execute();
      assert.equal(await sweepExpiredInvitations(t.deps), 1);

      const events = (await eventsOf(org)).filter((event) => !before.has(event.id));
      const types = new Set(events.map((event) => event.type));
      for (const type of [
        'invitation.created',
        'invitation.resent',
        'invitation.revoked',
        'invitation.accepted',
        'invitation.declined',
        'invitation.expired',
        'membership.created',
        'membership.updated',
        'membership.deleted',
        'organization.updated',
      ]) {
        assert.ok(types.has(type), `${type} was written`);
      }
      const wanted = events.filter((event) => ['invitation.accepted', 'membership.created'].includes(event.type));
      await waitUntil('every event is delivered', () => {
        const ids = new Set(all.hook.received.map((received) => received.headers['webhook-id']));
        return ids.size >= events.length && onlyAccepted.hook.received.length >= wanted.length;
      });
      // Anything delivered twice would have arrived by now.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const delivered = all.hook.received.map((received) => all.hook.verify(received, all.secret));
      assert.deepEqual(
        delivered.map((payload) => payload.data.id).sort(),
        events.map((event) => event.id).sort(),
        'each event once, none twice, nothing else',
      );
      const byId = new Map(events.map((event) => [event.id, event]));
      for (const payload of delivered) {
        assert.equal(payload.type, payload.data.type);
        assert.deepEqual(payload.data, byId.get(payload.data.id), 'the event exactly as the events API lists it');
      }
      const actorOf = (type: string, email: string) =>
        delivered.find((payload) => payload.type === type && payload.data.data.email === email)?.data.actor;
      assert.deepEqual(actorOf('invitation.created', 'hook-v1@example.com'), { type: 'client', id: org.clientId });
      assert.deepEqual(actorOf('invitation.created', 'hook-surface@example.com'), {
        type: 'client',
        id: org.clientId,
      });
      assert.deepEqual(actorOf('invitation.accepted', 'hook-page@example.com'), { type: 'invitee', id: userId });
      assert.deepEqual(actorOf('invitation.declined', 'hook-decline@example.com'), { type: 'invitee' });
      assert.deepEqual(actorOf('invitation.expired', 'hook-expired@example.com'), { type: 'system' });

      const filtered = onlyAccepted.hook.received.map((received) =>
        onlyAccepted.hook.verify(received, onlyAccepted.secret),
      );
      assert.deepEqual(
        filtered.map((payload) => payload.data.id).sort(),
        wanted.map((event) => event.id).sort(),
        'an endpoint receives only the types it subscribed to',
      );
      const leaked = elsewhere.hook.received.filter((received) => byId.has(String(received.headers['webhook-id'])));
      assert.deepEqual(leaked, [], "another organization's endpoint receives none of these");
    });
  });
}
