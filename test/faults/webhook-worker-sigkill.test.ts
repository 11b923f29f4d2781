import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  bearer,
  createTestOrganization,
  inviteInBulk,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';
import { startTesseraWorker, type TesseraProcess, waitUntil } from '../helpers/tessera-process.js';
import { type Received, Receiver } from '../helpers/webhook-receiver.js';

const INVITATIONS = 120;
/**
 * Endpoints subscribed to invitation.created, each with a receiver of its own: together they could
 * take more than the overall cap, and the first is slower than the others, so that it would take
 * more than its share of the slots.
 */
const ENDPOINTS = 10;
/** The webhook lane's limits in `tessera worker` (WEBHOOK_LANE_DEFAULTS): in flight at once, overall and to one endpoint. */
const IN_FLIGHT_OVERALL = 32;
const IN_FLIGHT_PER_ENDPOINT = 4;
/** How long the receivers take to answer each request: the first endpoint's, and the others'. */
const SLOWEST_DELAY_MS = 1000;
const ANSWER_DELAY_MS = 100;

interface Hooked {
  id: string;
  secret: string;
  receiver: Receiver;
}

const webhookId = (request: Received) => String(request.headers['webhook-id']);

for (const dialect of DIALECTS) {
  describe(`webhook worker killed with SIGKILL [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let dataDir: string;
    const receivers: Receiver[] = [];
    const workers: TesseraProcess[] = [];

    before(async () => {
      // No worker in this process: `tessera worker` processes deliver.
      t = await startTestApp(dialect, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
      org = await createTestOrganization(t);
      dataDir = mkdtempSync(join(tmpdir(), 'tessera-webhook-sigkill-'));
    });
    after(async () => {
      for (const worker of workers) await worker.kill();
      for (const receiver of receivers) await receiver.stop();
      await t?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    test('every event is received; only deliveries in flight at the kill arrive twice, with the same webhook-id', {
      // The killed worker's leases last max(OUTBOX_LEASE_SECONDS, 4 × the 15 s attempt timeout) = 60 s.
      timeout: 240_000,
    }, async (context) => {
      // Slow receivers: each request is answered after a while, so that some are always in flight.
      // `answering` false holds every request from then on unanswered (the worker is about to die).
      let answering = true;
      let answered = 0;
      const unanswered = new Map<Received, string>();
      const endpoints: Hooked[] = [];
      for (let i = 0; i < ENDPOINTS; i++) {
        const receiver = await new Receiver().start();
        receivers.push(receiver);
        const created = await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${org.organization.id}/webhook-endpoints`,
          headers: bearer(org.token),
          payload: { url: receiver.url, eventTypes: ['invitation.created'] },
        });
        assert.equal(created.statusCode, 201, created.body);
        const endpoint = { ...(created.json() as { id: string; secret: string }), receiver };
        endpoints.push(endpoint);
        const delayMs = i === 0 ? SLOWEST_DELAY_MS : ANSWER_DELAY_MS;
        receiver.answer = (request, response) => {
          unanswered.set(request, endpoint.id);
          setTimeout(() => {
            if (!answering) return;
            unanswered.delete(request);
            answered++;
            response.end('ok');
          }, delayMs);
        };
      }

      await inviteInBulk(
        t,
        org,
        Array.from({ length: INVITATIONS }, (_, i) => `hooked-${i}@example.com`),
        { sendEmail: false },
      );
      const eventIds = (
        await t.deps.db
          .selectFrom('events')
          .select('id')
          .where('organization_id', '=', org.organization.id)
          .where('type', '=', 'invitation.created')
          .execute()
      ).map((row) => row.id);
      assert.equal(eventIds.length, INVITATIONS);
      const deliveries = () =>
        t.deps.db
          .selectFrom('webhook_deliveries')
          .selectAll()
          .where(
            'endpoint_id',
            'in',
            endpoints.map((endpoint) => endpoint.id),
          )
          .execute();
      const key = (endpointId: string, eventId: string) => `${endpointId} ${eventId}`;

      const env = {
        DATABASE_URL: t.database.url,
        DATA_DIR: dataDir,
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        // As short as allowed; the webhook lease is still 4 × the attempt timeout (60 s).
        OUTBOX_LEASE_SECONDS: '1',
        OUTBOX_POLL_MS: '100',
      };
      const first = startTesseraWorker(env);
      workers.push(first);
      // Mid-way: some delivered and answered, and some at the receivers still waiting for their answer.
      await waitUntil(
        'the first worker has some deliveries answered and others in flight',
        () => answered >= 100 && unanswered.size > 0,
        90_000,
      );
      answering = false;
      await first.kill();
      const killedAt = Date.now();
      // Requests already on their way are read by now; every one the receivers hold was never answered.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const heldAtKill = new Set([...unanswered].map(([request, endpointId]) => key(endpointId, webhookId(request))));
      const arrivedBeforeKill = new Set(
        endpoints.flatMap((endpoint) =>
          endpoint.receiver.received.map((request) => key(endpoint.id, webhookId(request))),
        ),
      );
      const rowsAtKill = await deliveries();
      assert.equal(rowsAtKill.length, INVITATIONS * ENDPOINTS, 'the first worker fanned out every event');
      const deliveredAtKill = rowsAtKill.filter((row) => row.status === 'SUCCEEDED').length;
      assert.ok(deliveredAtKill > 0 && deliveredAtKill < rowsAtKill.length, `${deliveredAtKill} delivered at the kill`);
      // In flight at the kill: sent to a receiver, but not recorded as delivered; still leased by the killed worker.
      const leasedAtKill = new Set(
        rowsAtKill
          .filter((row) => row.status !== 'SUCCEEDED' && row.locked_by !== null)
          .map((row) => key(row.endpoint_id, row.event_id)),
      );
      const notDoneAtKill = new Set(
        rowsAtKill.filter((row) => row.status !== 'SUCCEEDED').map((row) => key(row.endpoint_id, row.event_id)),
      );
      const inFlightAtKill = new Set([...arrivedBeforeKill].filter((sent) => notDoneAtKill.has(sent)));
      assert.ok(heldAtKill.size > 0, 'requests were in flight, unanswered, when the worker was killed');
      for (const held of heldAtKill)
        assert.ok(inFlightAtKill.has(held), `${held}: unanswered, yet recorded as delivered`);
      for (const sent of inFlightAtKill) assert.ok(leasedAtKill.has(sent), `${sent}: in flight, yet not leased`);
      assert.ok(inFlightAtKill.size <= IN_FLIGHT_OVERALL, `${inFlightAtKill.size} in flight at once`);
      const inFlightTo = endpoints.map(
        (endpoint) => [...inFlightAtKill].filter((sent) => sent.startsWith(`${endpoint.id} `)).length,
      );
      for (const count of inFlightTo) assert.ok(count <= IN_FLIGHT_PER_ENDPOINT, `${count} in flight to one endpoint`);

      answering = true;
      for (const endpoint of endpoints) endpoint.receiver.answer = (_request, response) => response.end('ok');
      const second = startTesseraWorker(env);
      workers.push(second);
      await waitUntil(
        'every delivery is recorded as delivered',
        async () => (await deliveries()).every((row) => row.status === 'SUCCEEDED'),
        180_000,
      );
      const doneAfterMs = Date.now() - killedAt;
      assert.equal(await second.stop(), 0, 'the second worker shuts down cleanly');

      // Every request verifies as Standard Webhooks says, and carries its event's id as webhook-id.
      const twice: string[] = [];
      for (const endpoint of endpoints) {
        const copies = new Map<string, Received[]>();
        for (const request of endpoint.receiver.received) {
          const payload = endpoint.receiver.verify(request, endpoint.secret);
          assert.equal(payload.type, 'invitation.created');
          assert.equal(payload.data.id, webhookId(request), 'the webhook-id is the event id');
          copies.set(webhookId(request), [...(copies.get(webhookId(request)) ?? []), request]);
        }
        assert.deepEqual([...copies.keys()].sort(), [...eventIds].sort(), 'every event received once at least');
        const again = [...copies].filter(([, received]) => received.length > 1);
        for (const [id, received] of again) {
          assert.equal(received.length, 2, `${id} received ${received.length} times`);
          assert.ok(
            inFlightAtKill.has(key(endpoint.id, id)),
            `${id} received twice, but was not in flight at the kill`,
          );
          assert.equal(received[0]!.body, received[1]!.body, 'the same body, signed anew');
        }
        assert.ok(again.length <= IN_FLIGHT_PER_ENDPOINT, `${again.length} received twice by one endpoint`);
        twice.push(...again.map(([id]) => key(endpoint.id, id)));
      }
      for (const held of heldAtKill) assert.ok(twice.includes(held), `${held}: unanswered at the kill, so sent again`);
      assert.ok(twice.length <= IN_FLIGHT_OVERALL, `${twice.length} received twice`);
      // Leased to the killed worker: an attempt counted by it (sent or not), and one by the second worker.
      for (const row of await deliveries()) {
        const leased = leasedAtKill.has(key(row.endpoint_id, row.event_id));
        assert.equal(row.attempts, leased ? 2 : 1, `${row.event_id}: attempts`);
      }
      context.diagnostic(
        `killed with ${deliveredAtKill} of ${rowsAtKill.length} delivered, ${inFlightAtKill.size} in flight ` +
          `(${inFlightTo.join('+')} by endpoint) ` +
          `(${heldAtKill.size} unanswered at the receivers), ${leasedAtKill.size} leased; ${twice.length} received ` +
          `twice; all delivered ${doneAfterMs} ms after the kill`,
      );
    });
  });
}
