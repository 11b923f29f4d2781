/**
 * The benchmark's webhook figures (bench/run.ts runs them in its run, against its API process):
 * create throughput with three subscribed endpoints beside the plain create figure, and delivery
 * of a batch of events by a `tessera worker` process to a local receiver that verifies signatures.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Result } from 'autocannon';
import { createClient } from '../src/modules/clients/client.service.js';
import { createOrganization } from '../src/modules/organizations/organization.service.js';
import {
  assertClean,
  logger,
  peakMemoryMb,
  ROOT,
  type Row,
  type Setup,
  startChild,
  startCountingSmtpSink,
  summary,
} from './support.js';
import type { WebhookReceiver } from './webhook-receiver.js';

const log = logger('bench');

export interface WebhookFigureContext {
  /** The API process's base URL; it must allow http and private networks in endpoint URLs. */
  base: string;
  setup: Setup;
  receiver: WebhookReceiver;
}

type Headers = Record<string, string>;

async function createEndpoint(
  base: string,
  headers: Headers,
  organizationId: string,
  body: { url: string; eventTypes: string[] },
): Promise<{ id: string; secret: string; createdAt: string }> {
  const response = await fetch(`${base}/v1/organizations/${organizationId}/webhook-endpoints`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`create endpoint: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; secret: string; createdAt: string };
}

/** A `tessera worker` process (email and webhooks) against the bench's database. */
function startWorker(setup: Setup, base: string, smtpPort: number) {
  return startChild(join(ROOT, 'bin/tessera.cjs'), ['worker'], {
    DATABASE_URL: setup.databaseUrl,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    PUBLIC_URL: base,
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  });
}

/**
 * Create throughput with three subscribed endpoints (enabled, `["*"]`, at the live receiver)
 * against the same load in an organization with none, one after the other, in an API process like
 * the create figure's (no worker inside it), of its own and warmed up: a create writes its event row and nothing more, however
 * many endpoints listen; the fan-out and the deliveries are the worker's, after the commit. Then a
 * `tessera worker` delivers what the load made, three deliveries per event, and the figure says
 * whether every one arrived (the delivery figure measures how fast). The endpoints are deleted
 * afterwards, so that the later figures' workers do not deliver these events again.
 */
export async function createWithEndpointsFigure(
  context: WebhookFigureContext & {
    token: (clientId: string, clientSecret: string, at: string) => Promise<string>;
    /** The create figure's load, against an organization of the API at `at`. */
    createLoad: (organizationId: string, headers: Headers, duration: number | undefined, at: string) => Promise<Result>;
    /** Starts an API process like the create figure's. */
    startApi: () => Promise<{ base: string; child: ChildProcess }>;
    /** A load first, not measured: both measured runs meet a warmed-up process. */
    warmUpSeconds: number;
  },
): Promise<Row> {
  const { setup, receiver } = context;
  const api = await context.startApi();
  const { base } = api;
  const organizationWithClient = async (name: string) => {
    const { organization } = await createOrganization(setup.deps, {
      name,
      owner: { email: `owner-${name.toLowerCase().replace(/\W+/g, '-')}@bench.example` },
    });
    const client = await createClient(setup.deps, { organizationId: organization.id });
    const headers = {
      authorization: `Bearer ${await context.token(client.clientId, client.clientSecret, base)}`,
      'content-type': 'application/json',
    };
    return { id: organization.id, headers };
  };
  const none = await organizationWithClient('Bench no endpoint');
  const three = await organizationWithClient('Bench three endpoints');
  const endpointIds: string[] = [];
  const counts: Array<ReturnType<WebhookReceiver['accept']>> = [];
  for (const name of ['one', 'two', 'three']) {
    const path = `/create-figure/${name}`;
    const endpoint = await createEndpoint(base, three.headers, three.id, {
      url: receiver.url(path),
      eventTypes: ['*'],
    });
    counts.push(receiver.accept(path, endpoint.secret));
    endpointIds.push(endpoint.id);
  }

  log('create: a second API process, warming up');
  assertClean('warm-up', await context.createLoad(none.id, none.headers, context.warmUpSeconds, base));
  log('create: organization with no endpoint');
  const baseline = await context.createLoad(none.id, none.headers, undefined, base);
  assertClean('create, no endpoint', baseline);
  log('create: organization with three webhook endpoints');
  const result = await context.createLoad(three.id, three.headers, undefined, base);
  assertClean('create with three endpoints', result);

  // Every event of the load, delivered to each of the three endpoints by a worker.
  const events = new Set(
    (
      await setup.handle.db
        .selectFrom('events')
        .select('id')
        .where('organization_id', '=', three.id)
        .where('type', '=', 'invitation.created')
        .execute()
    ).map((row) => row.id),
  );
  await setup.handle.db
    .updateTable('outbox')
    .set({ status: 'CANCELLED', last_error: 'bench: not part of the webhook figure' })
    .where('status', '=', 'PENDING')
    .execute();
  const sink = await startCountingSmtpSink();
  const worker = startWorker(setup, base, sink.port);
  const complete = () => counts.every((count) => [...events].every((id) => count.received.has(id)));
  const deadline = Date.now() + 300_000;
  while (!complete() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  worker.kill('SIGTERM');
  await once(worker, 'exit');
  await sink.close();
  const missing = counts.reduce((sum, count) => sum + [...events].filter((id) => !count.received.has(id)).length, 0);
  const doubled = counts.reduce((sum, count) => sum + [...count.received.values()].filter((n) => n > 1).length, 0);
  const refused = counts.reduce((sum, count) => sum + count.refused, 0);
  for (const id of endpointIds) {
    const response = await fetch(`${base}/v1/organizations/${three.id}/webhook-endpoints/${id}`, {
      method: 'DELETE',
      headers: { authorization: three.headers.authorization },
    });
    if (response.status !== 204) throw new Error(`delete endpoint: ${response.status} ${await response.text()}`);
  }
  api.child.kill('SIGTERM');
  await once(api.child, 'exit');
  const ratio = result.requests.average / baseline.requests.average;
  return {
    figure:
      'create one invitation, organization with three webhook endpoints (enabled, eventTypes ["*"]), against one with none, one after the other in an API process of their own (warmed up); then a `tessera worker` delivers every event of the load to the three',
    tessera: `${summary(result)}; afterwards ${(events.size * 3).toLocaleString('en-US')} deliveries: ${missing} missing, ${doubled} doubled${refused > 0 ? `, ${refused} signatures refused` : ''}`,
    reference: `no endpoint: ${summary(baseline)}`,
    ratio: ratio.toFixed(2),
    target: '≥ 0.85',
    met: ratio >= 0.85 && missing === 0 && doubled === 0 && refused === 0,
  };
}

/**
 * Webhook delivery by the real worker: an endpoint at the receiver subscribed to
 * `invitation.created`, `events` invitations created in bulk after it (no emails), then a
 * `tessera worker` process, timed from its start until the receiver holds every event's
 * `webhook-id`. Then a second more, to see any copy delivered twice.
 */
export async function webhookDeliveryFigure(
  context: WebhookFigureContext & { organizationId: string; headers: Headers; events: number },
): Promise<Row> {
  const { base, setup, receiver, organizationId, headers, events } = context;
  const { db } = setup.handle;
  // The fan-out's cursor moved straight to the newest event, as a worker running all along would
  // have left it: no endpoint is subscribed to any event so far (the create figure's are deleted).
  // Otherwise this figure's worker would first walk the run's earlier events, tens of thousands of
  // them, which is not delivery.
  const newest = await db
    .selectFrom('events')
    // The columns as they are, not cast to text: an ORDER BY would then sort the text ('999' > '1002').
    .select(['txid', 'seq'])
    .orderBy('txid', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (newest) {
    await db
      .updateTable('webhook_fanout')
      .set({ txid: String(newest.txid), seq: String(newest.seq), updated_at: new Date().toISOString() })
      .where('id', '=', 'events')
      .execute();
  }
  const path = '/delivery-figure';
  const endpoint = await createEndpoint(base, headers, organizationId, {
    url: receiver.url(path),
    eventTypes: ['invitation.created'],
  });
  const counts = receiver.accept(path, endpoint.secret);

  for (let round = 0; round < Math.ceil(events / 1000); round++) {
    const count = Math.min(1000, events - round * 1000);
    const response = await fetch(`${base}/v1/organizations/${organizationId}/invitations/bulk`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        invitations: Array.from({ length: count }, (_, i) => ({
          email: `hook-${round}-${i}@bench.example`,
          sendEmail: false,
        })),
      }),
    });
    const result = (await response.json()) as { summary?: { created: number } };
    if (result.summary?.created !== count) throw new Error(`webhook events: bulk created ${result.summary?.created}`);
  }
  const expected = new Set(
    (
      await db
        .selectFrom('events')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('type', '=', 'invitation.created')
        .where('occurred_at', '>=', endpoint.createdAt)
        .execute()
    ).map((row) => row.id),
  );
  if (expected.size !== events) throw new Error(`webhook events: ${expected.size} events written, not ${events}`);
  // Only webhooks in this figure: no email is due (the bulk sent none), and any other is not part of it.
  await db
    .updateTable('outbox')
    .set({ status: 'CANCELLED', last_error: 'bench: not part of the webhook delivery figure' })
    .where('status', '=', 'PENDING')
    .execute();

  const sink = await startCountingSmtpSink();
  log(`webhooks: ${events.toLocaleString('en-US')} events written; starting a worker`);
  const started = performance.now();
  const worker = startWorker(setup, base, sink.port);
  const deadline = Date.now() + 180_000;
  while (counts.received.size < events && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  if (worker.exitCode !== null || worker.signalCode !== null) {
    throw new Error(`webhook delivery: the worker exited (${worker.exitCode ?? worker.signalCode})`);
  }
  const workerPeakMb = peakMemoryMb(worker.pid!);
  worker.kill('SIGTERM');
  await once(worker, 'exit');
  await sink.close();

  const ids = [...counts.received.keys()];
  const delivered = ids.filter((id) => expected.has(id)).length;
  const unexpected = ids.length - delivered;
  const lost = events - delivered;
  const doubled = [...counts.received.values()].filter((copies) => copies > 1).length;
  const seconds = ((delivered > 0 ? counts.lastNew : performance.now()) - started) / 1000;
  const perSecond = delivered / seconds;
  const odd = [
    unexpected > 0 ? `${unexpected} not of these events` : '',
    counts.refused > 0 ? `${counts.refused} signatures refused` : '',
    sink.total() > 0 ? `${sink.total()} emails` : '',
  ].filter(Boolean);
  return {
    figure: `webhook delivery: ${events.toLocaleString('en-US')} invitation.created events by a \`tessera worker\` to one endpoint, a local receiver that verifies each signature (standardwebhooks) and answers 204; timed from the worker's start`,
    tessera: `${Math.round(perSecond).toLocaleString('en-US')} events/s (${seconds.toFixed(1)} s, first after ${counts.first > 0 ? ((counts.first - started) / 1000).toFixed(1) : '—'} s); ${delivered.toLocaleString('en-US')} delivered, ${lost.toLocaleString('en-US')} lost, ${doubled} doubled${odd.map((item) => `, ${item}`).join('')} (worker peak ${workerPeakMb} MB)`,
    reference: '500 events/s',
    ratio: (perSecond / 500).toFixed(2),
    target: '≥ 500 events/s, none lost or doubled',
    met: perSecond >= 500 && lost === 0 && doubled === 0 && odd.length === 0,
  };
}
