import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sweepOldDeliveries } from '../../src/modules/webhooks/webhook-delivery.service.js';
import { WebhookLane } from '../../src/modules/webhooks/webhook.lane.js';
import { Metrics } from '../../src/ops/metrics.js';
import {
  bearer,
  createTestOrganization,
  platformToken,
  startTestApp,
  type TestApp,
  type TestOrganization,
  tokenFor,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';
import { type Received, Receiver } from '../helpers/webhook-receiver.js';

for (const dialect of DIALECTS) {
  describe(`webhook delivery to a real receiver [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let other: TestOrganization;
    let worker: WebhookLane;
    const metrics = new Metrics();
    const receivers: Receiver[] = [];

    before(async () => {
      t = await startTestApp(dialect, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
      // The lane alone, turned by the tests themselves.
      worker = new WebhookLane(t.deps, t.app.log, {
        workerId: 'webhook-test',
        concurrency: 8,
        perEndpoint: 2,
        perOrganization: 6,
        timeoutMs: 700,
        metrics,
      });
    });
    after(async () => {
      await worker.drain();
      for (const receiver of receivers) await receiver.stop();
      await t.close();
    });

    async function receiver(): Promise<Receiver> {
      const started = await new Receiver().start();
      receivers.push(started);
      return started;
    }

    async function endpoint(o: TestOrganization, url: string, eventTypes: string[] = ['*']) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.organization.id}/webhook-endpoints`,
        headers: bearer(o.token),
        payload: { url, eventTypes },
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as { id: string; secret: string };
    }

    async function invite(o: TestOrganization, email: string) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${o.organization.id}/invitations`,
        headers: bearer(o.token),
        payload: { email },
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json();
    }

    /** Runs the worker's turns (fan-out, sends) until `done` holds or the time is up. */
    async function deliverUntil(done: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!(await done())) {
        assert.ok(Date.now() < deadline, 'timed out waiting for deliveries');
        await worker.runOnce();
        await worker.drain();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    async function deliveriesOf(endpointId: string, about?: string) {
      const rows = await t.deps.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .execute();
      return about === undefined ? rows : rows.filter((row) => row.body.includes(about));
    }

    test("an invitation's event, signed as Standard Webhooks says; the webhook-id is the event's id", async () => {
      const hook = await receiver();
      const { id, secret } = await endpoint(org, hook.url);
      const invitation = await invite(org, 'hooked@example.com');
      await deliverUntil(() => hook.received.length >= 1);
      const [received] = hook.received as [Received];
      const payload = hook.verify(received, secret);
      assert.equal(payload.type, 'invitation.created');
      assert.equal(payload.data.type, 'invitation.created');
      assert.equal(payload.data.organizationId, org.organization.id);
      assert.equal(payload.data.data.id, invitation.id);
      assert.equal(received.headers['content-type'], 'application/json');
      assert.equal(received.headers['webhook-id'], payload.data.id, 'the event id');
      assert.match(payload.data.id, /^evt_/);
      assert.throws(() => hook.verify(received, `whsec_${Buffer.alloc(32, 7).toString('base64')}`));
      const [delivery] = await deliveriesOf(id);
      assert.equal(delivery!.status, 'SUCCEEDED');
      assert.equal(delivery!.attempts, 1);
      assert.equal(delivery!.last_status_code, 200);
      const scraped = await metrics.registry.metrics();
      assert.match(scraped, /tessera_webhook_deliveries_total\{outcome="succeeded"\} [1-9]/);
      assert.match(scraped, /tessera_webhook_delivery_duration_seconds_count [1-9]/);
    });

    test('500, then 200: delivered on the next attempt, with the same webhook-id', async () => {
      const hook = await receiver();
      const { id, secret } = await endpoint(other, hook.url, ['invitation.created']);
      let calls = 0;
      hook.answer = (_request, response) => {
        calls++;
        response.statusCode = calls === 1 ? 500 : 200;
        response.end(calls === 1 ? 'boom' : 'ok');
      };
      await invite(other, 'retry@example.com');
      await deliverUntil(() => hook.received.length >= 1);
      const [failed] = await deliveriesOf(id, 'retry@example.com');
      assert.equal(failed!.status, 'FAILED');
      assert.equal(failed!.last_status_code, 500);
      assert.equal(failed!.last_response, 'boom');
      const wait = Date.parse(failed!.next_attempt_at!) - t.clock.now().getTime();
      assert.ok(wait > 4000 && wait < 6000, `the first retry waits about 5 s (${wait} ms)`);
      t.clock.advance(6);
      await deliverUntil(() => hook.received.length >= 2);
      const [first, second] = hook.received as [Received, Received];
      assert.equal(first.headers['webhook-id'], second.headers['webhook-id']);
      assert.equal(first.body, second.body, 'the same body, signed anew');
      hook.verify(second, secret);
      const [delivered] = await deliveriesOf(id, 'retry@example.com');
      assert.equal(delivered!.status, 'SUCCEEDED');
      assert.equal(delivered!.attempts, 2);
    });

    test('429 with Retry-After: the next attempt waits at least that long', async () => {
      const hook = await receiver();
      const { id } = await endpoint(other, hook.url, ['invitation.created']);
      hook.answer = (_request, response) => {
        response.statusCode = 429;
        response.setHeader('retry-after', '600');
        response.end();
      };
      await invite(other, 'slow-down@example.com');
      await deliverUntil(async () =>
        (await deliveriesOf(id, 'slow-down@example.com')).some((row) => row.status === 'FAILED'),
      );
      const [row] = await deliveriesOf(id, 'slow-down@example.com');
      const wait = Date.parse(row!.next_attempt_at!) - t.clock.now().getTime();
      assert.ok(wait >= 599_000, `Retry-After honoured (${wait} ms): ${JSON.stringify(row)}`);
      t.clock.advance(60);
      await worker.runOnce();
      await worker.drain();
      assert.equal(hook.received.length, 1, 'not tried again before Retry-After');
    });

    test('410: the endpoint is disabled at once, webhook_endpoint.disabled is written, nothing more is sent', async () => {
      const hook = await receiver();
      const { id } = await endpoint(other, hook.url, ['invitation.created']);
      hook.answer = (_request, response) => {
        response.statusCode = 410;
        response.end();
      };
      await invite(other, 'gone-1@example.com');
      await deliverUntil(() => hook.received.length >= 1);
      const read = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${other.organization.id}/webhook-endpoints/${id}`,
        headers: bearer(other.token),
      });
      assert.equal(read.json().enabled, false);
      assert.match(read.json().disabledReason, /410/);
      const events = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${other.organization.id}/events?types=webhook_endpoint.disabled`,
        headers: bearer(other.token),
      });
      assert.deepEqual(
        events.json().data.map((event: any) => event.data.id),
        [id],
      );
      await invite(other, 'gone-2@example.com');
      await worker.runOnce();
      await worker.drain();
      assert.equal(hook.received.length, 1, 'a disabled endpoint gets nothing more');
    });

    test('a receiver that never answers: the attempt ends at the timeout, and another endpoint keeps receiving', async () => {
      const silent = await receiver();
      silent.answer = () => undefined;
      const lively = await receiver();
      const stuck = await endpoint(org, silent.url, ['invitation.revoked']);
      await endpoint(org, lively.url, ['invitation.revoked']);
      for (let i = 0; i < 3; i++) {
        const invitation = await invite(org, `revoke-${i}@example.com`);
        const revoked = await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${org.organization.id}/invitations/${invitation.id}/revoke`,
          headers: bearer(org.token),
        });
        assert.equal(revoked.statusCode, 200, revoked.body);
      }
      const started = Date.now();
      await worker.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await worker.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(lively.received.length, 3, 'the lively endpoint got all three while the other hung');
      await worker.drain();
      const rows = await deliveriesOf(stuck.id);
      assert.ok(
        rows.some((row) => row.status === 'FAILED' && /timeout|no complete response/i.test(row.last_error ?? '')),
        JSON.stringify(rows.map((row) => [row.status, row.attempts, row.last_error])) +
          t.logs
            .filter((line) => /webhook/.test(line))
            .slice(-5)
            .join('\n'),
      );
      assert.ok(Date.now() - started < 5000);
    });

    test("an organization whose every endpoint hangs holds its own share of the slots, not another organization's deliveries", async () => {
      const hanging = await createTestOrganization(t);
      const silent = await receiver();
      silent.answer = () => undefined;
      for (let i = 0; i < 4; i++) {
        const { id } = await endpoint(hanging, `${silent.url}/${i}`, ['invitation.declined']);
        for (let n = 0; n < 3; n++) {
          const queued = await t.app.inject({
            method: 'POST',
            url: `/v1/organizations/${hanging.organization.id}/webhook-endpoints/${id}/test`,
            headers: bearer(hanging.token),
          });
          assert.equal(queued.statusCode, 202, queued.body);
        }
      }
      const hook = await receiver();
      await endpoint(other, hook.url, ['invitation.created']);
      await invite(other, 'not-held-back@example.com');
      // Turns as the lane's loop makes them, each as a slot frees: the hanging organization's
      // backlog is older, but past its share the claim leaves it alone.
      const started = Date.now();
      const arrived = () => hook.received.some((received) => received.body.includes('not-held-back@example.com'));
      while (!arrived()) {
        assert.ok(Date.now() - started < 600, 'held back behind the hanging endpoints');
        await worker.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(silent.received.length, 6, "the hanging organization's share: 6 in flight, not all 8");
      await worker.drain();
    });

    test("the platform's own deliveries hold their share too, and an organization's still go", async () => {
      // The earlier tests' retries (to receivers that hang) would share this lane's 8 slots: end them.
      await worker.drain();
      await t.deps.db
        .updateTable('webhook_deliveries')
        .set({ status: 'DEAD', next_attempt_at: null })
        .where('status', 'in', ['PENDING', 'FAILED'])
        .execute();
      const platform = await platformToken(t);
      const silent = await receiver();
      silent.answer = () => undefined;
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const created = await t.app.inject({
          method: 'POST',
          url: '/v1/webhook-endpoints',
          headers: bearer(platform),
          payload: { url: `${silent.url}/platform-${i}`, eventTypes: ['invitation.declined'] },
        });
        assert.equal(created.statusCode, 201, created.body);
        ids.push(created.json().id);
        for (let n = 0; n < 3; n++) {
          const queued = await t.app.inject({
            method: 'POST',
            url: `/v1/webhook-endpoints/${created.json().id}/test`,
            headers: bearer(platform),
          });
          assert.equal(queued.statusCode, 202, queued.body);
        }
      }
      // The platform's share fills first; then an organization's event comes.
      await worker.runOnce();
      const filled = Date.now();
      while (silent.received.length < 6) {
        assert.ok(Date.now() - filled < 500, `the platform's share in flight (${silent.received.length})`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const hook = await receiver();
      await endpoint(other, hook.url, ['invitation.created']);
      await invite(other, 'beside-the-platform@example.com');
      const started = Date.now();
      const arrived = () => hook.received.some((received) => received.body.includes('beside-the-platform@example.com'));
      while (!arrived()) {
        assert.ok(Date.now() - started < 600, "held back behind the platform's hanging endpoints");
        await worker.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(silent.received.length, 6, "the platform's share: 6 in flight, not all 8");
      for (const id of ids) {
        const removed = await t.app.inject({
          method: 'DELETE',
          url: `/v1/webhook-endpoints/${id}`,
          headers: bearer(platform),
        });
        assert.equal(removed.statusCode, 204, removed.body);
      }
      await worker.drain();
    });

    test("an organization's endpoint never receives another organization's events", async () => {
      const hook = await receiver();
      const { id } = await endpoint(org, hook.url, ['*']);
      await invite(other, 'not-for-org@example.com');
      await invite(org, 'for-org@example.com');
      await deliverUntil(() => hook.received.some((received) => received.body.includes('for-org@example.com')));
      await worker.runOnce();
      await worker.drain();
      assert.ok(
        hook.received.every((received) => JSON.parse(received.body).data.organizationId === org.organization.id),
      );
      assert.ok((await deliveriesOf(id)).every((row) => row.organization_id === org.organization.id));
    });

    test('after a rotation both secrets sign, so a receiver still holding the old one verifies', async () => {
      const hook = await receiver();
      const created = await endpoint(org, hook.url, ['invitation.created']);
      const rotated = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/webhook-endpoints/${created.id}/rotate-secret`,
        headers: bearer(org.token),
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      await invite(org, 'rotated@example.com');
      await deliverUntil(() => hook.received.some((received) => received.body.includes('rotated@example.com')));
      const received = hook.received.find((r) => r.body.includes('rotated@example.com'))!;
      assert.equal(String(received.headers['webhook-signature']).split(' ').length, 2);
      hook.verify(received, created.secret);
      hook.verify(received, rotated.json().secret);
    });

    test('test deliveries: at most five waiting per endpoint, none to a disabled endpoint (409s, nothing written)', async () => {
      const hook = await receiver();
      const { id } = await endpoint(org, hook.url, ['invitation.declined']);
      const base = `/v1/organizations/${org.organization.id}/webhook-endpoints/${id}`;
      const test = () => t.app.inject({ method: 'POST', url: `${base}/test`, headers: bearer(org.token) });
      for (let i = 0; i < 5; i++) assert.equal((await test()).statusCode, 202);
      const sixth = await test();
      assert.equal(sixth.statusCode, 409, sixth.body);
      assert.equal(sixth.json().code, 'WEBHOOK_TESTS_PENDING');
      assert.equal((await deliveriesOf(id)).length, 5);
      await deliverUntil(() => hook.received.length >= 5);
      assert.equal((await test()).statusCode, 202, 'delivered: room for more');
      const disabled = await t.app.inject({
        method: 'PATCH',
        url: base,
        headers: bearer(org.token),
        payload: { enabled: false },
      });
      assert.equal(disabled.statusCode, 200, disabled.body);
      const refused = await test();
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().code, 'WEBHOOK_ENDPOINT_DISABLED');
      assert.equal((await deliveriesOf(id)).length, 6);
    });

    test('the deliveries list, a retry of a DEAD delivery, and a test delivery, each by its endpoint only', async () => {
      const hook = await receiver();
      const { id, secret } = await endpoint(org, hook.url, ['invitation.created']);
      hook.answer = (_request, response) => {
        response.statusCode = 400;
        response.end('no');
      };
      await invite(org, 'listed@example.com');
      await deliverUntil(() => hook.received.some((received) => received.body.includes('listed@example.com')));
      const base = `/v1/organizations/${org.organization.id}/webhook-endpoints/${id}`;
      const listed = await t.app.inject({ method: 'GET', url: `${base}/deliveries`, headers: bearer(org.token) });
      assert.equal(listed.statusCode, 200, listed.body);
      const [delivery] = listed.json().data;
      assert.equal(delivery.status, 'FAILED');
      assert.equal(delivery.lastResponseStatus, 400);
      assert.equal(delivery.attempts, 1);
      assert.ok(delivery.nextAttemptAt);
      await t.deps.db
        .updateTable('webhook_deliveries')
        .set({ status: 'DEAD', next_attempt_at: null })
        .where('id', '=', delivery.id)
        .execute();
      hook.answer = (_request, response) => response.end('ok');
      const retried = await t.app.inject({
        method: 'POST',
        url: `${base}/deliveries/${delivery.id}/retry`,
        headers: bearer(org.token),
      });
      assert.equal(retried.statusCode, 202, retried.body);
      await deliverUntil(async () => (await deliveriesOf(id, 'listed@example.com'))[0]!.status === 'SUCCEEDED');
      const tested = await t.app.inject({ method: 'POST', url: `${base}/test`, headers: bearer(org.token) });
      assert.equal(tested.statusCode, 202, tested.body);
      await deliverUntil(() => hook.received.some((received) => received.body.includes('webhook_endpoint.test')));
      const test = hook.received.find((received) => received.body.includes('webhook_endpoint.test'))!;
      assert.equal(hook.verify(test, secret).type, 'webhook_endpoint.test');
      const theirs = `/v1/organizations/${other.organization.id}/webhook-endpoints/${id}`;
      for (const [method, url] of [
        ['GET', `${theirs}/deliveries`],
        ['POST', `${theirs}/test`],
        ['POST', `${theirs}/deliveries/${delivery.id}/retry`],
        ['GET', `${base}/deliveries`],
      ] as const) {
        const response = await t.app.inject({ method, url, headers: bearer(other.token) });
        assert.equal(response.statusCode, 404, `${method} ${url}: ${response.body}`);
      }
    });

    // Last: it moves the clock five days on.
    test('every attempt failing for five days: the endpoint is disabled, webhook_endpoint.disabled is written, nothing more is sent', async () => {
      const down = await createTestOrganization(t);
      const hook = await receiver();
      hook.answer = (_request, response) => {
        response.statusCode = 503;
        response.end('down');
      };
      const { id } = await endpoint(down, hook.url, ['invitation.created']);
      const read = async () =>
        (
          await t.app.inject({
            method: 'GET',
            url: `/v1/organizations/${down.organization.id}/webhook-endpoints/${id}`,
            headers: bearer(down.token),
          })
        ).json();
      const attemptFor = async (email: string) => {
        await invite(down, email);
        await deliverUntil(() => hook.received.some((received) => received.body.includes(email)));
      };
      const later = async (days: number) => {
        t.clock.advance(days * 86_400);
        down.token = await tokenFor(t, down.clientId, down.clientSecret);
      };

      await attemptFor('down-1@example.com');
      await later(4);
      await attemptFor('down-2@example.com');
      assert.equal((await read()).enabled, true, 'four days of failures: still enabled');
      await later(1);
      // The next failed attempt (an earlier delivery's retry, or this one's) disables the endpoint.
      await invite(down, 'down-3@example.com');
      await deliverUntil(async () => (await read()).enabled === false);
      const disabled = await read();
      assert.equal(disabled.enabled, false, 'five days of failures: disabled');
      assert.match(disabled.disabledReason, /5 days/);
      const events = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${down.organization.id}/events?types=webhook_endpoint.disabled`,
        headers: bearer(down.token),
      });
      assert.deepEqual(
        events.json().data.map((event: any) => [event.data.id, event.actor.type]),
        [[id, 'system']],
      );
      const open = (await deliveriesOf(id)).filter((row) => row.status === 'PENDING' || row.status === 'FAILED');
      assert.deepEqual(open, [], 'the deliveries still to be tried end with it');
      const received = hook.received.length;
      await invite(down, 'down-4@example.com');
      await worker.runOnce();
      await worker.drain();
      assert.equal(hook.received.length, received, 'a disabled endpoint gets nothing more');
      assert.deepEqual(await deliveriesOf(id, 'down-4@example.com'), []);
    });

    // After the five days: it moves the clock past the retention.
    test('finished deliveries are deleted after EVENT_RETENTION_DAYS; those still to be tried are kept', async () => {
      const all = () => t.deps.db.selectFrom('webhook_deliveries').select(['status']).execute();
      const before = await all();
      assert.ok(before.some((row) => row.status === 'SUCCEEDED' || row.status === 'DEAD'));
      t.clock.advance((t.config.eventRetentionDays + 1) * 86_400);
      assert.ok((await sweepOldDeliveries(t.deps, 2)) > 0);
      const after = await all();
      assert.deepEqual(
        after.map((row) => row.status).sort(),
        before
          .filter((row) => row.status === 'PENDING' || row.status === 'FAILED')
          .map((row) => row.status)
          .sort(),
      );
    });
  });
}
