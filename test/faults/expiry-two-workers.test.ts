import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import {
  bearer,
  createTestOrganization,
  inviteInBulk,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { POSTGRES_URL } from '../helpers/test-db.js';
import { startTesseraWorker, type TesseraProcess, waitUntil } from '../helpers/tessera-process.js';
import { type Received, Receiver } from '../helpers/webhook-receiver.js';

const SKIP = !POSTGRES_URL && 'TEST_POSTGRES_URL is not set';
const INVITATIONS = 200;
/** The invitations expiring at one same instant, so that sweeps of both workers meet on the same rows. */
const AT_ONCE = 100;
/** How often each worker sweeps for expired invitations (periodic-sweeps.ts). */
const SWEEP_EVERY_MS = 15_000;
/** Each worker's PostgreSQL sessions are named, so that the test sees when both have connected. */
const WORKER_NAMES = ['a', 'b'].map((name) => `tessera-expiry-${process.pid}-${name}`);

/** The `count` of every "invitations expired" log line of a worker: how many it expired, sweep by sweep. */
function expiredCounts(output: string): number[] {
  const counts: number[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('invitations expired')) continue;
    try {
      const parsed = JSON.parse(line) as { count?: unknown };
      if (typeof parsed.count === 'number') counts.push(parsed.count);
    } catch {
      // Not a JSON log line.
    }
  }
  return counts;
}

describe('invitation expiry with two workers at once [postgres]', { skip: SKIP }, () => {
  let t: TestApp;
  let org: TestOrganization;
  let receiver: Receiver;
  let dataDir: string;
  const workers: TesseraProcess[] = [];

  before(async () => {
    // No worker in this process: two `tessera worker` processes sweep and deliver.
    t = await startTestApp('postgres', { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    org = await createTestOrganization(t);
    receiver = await new Receiver().start();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-expiry-workers-'));
  });
  after(async () => {
    for (const worker of workers) await worker.kill();
    await receiver?.stop();
    await t?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('every invitation gets exactly one invitation.expired event and exactly one delivery', {
    // Each worker sweeps every 15 s, and the test holds the sweeps back for up to 16 s.
    timeout: 180_000,
  }, async (context) => {
    const created = await t.app.inject({
      method: 'POST',
      url: `/v1/organizations/${org.organization.id}/webhook-endpoints`,
      headers: bearer(org.token),
      payload: { url: receiver.url, eventTypes: ['invitation.expired'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const endpoint = created.json() as { id: string; secret: string };

    const invitationIds = await inviteInBulk(
      t,
      org,
      Array.from({ length: INVITATIONS }, (_, i) => `expiring-${i}@example.com`),
      { sendEmail: false },
    );

    const env = {
      DATABASE_URL: t.database.url,
      DATA_DIR: dataDir,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      OUTBOX_POLL_MS: '100',
      // A sweep waits for the lock the test holds (below) for longer than the default 10 s.
      DATABASE_QUERY_TIMEOUT_MS: '60000',
      // The sweeps say how many they expired at info.
      LOG_LEVEL: 'info',
    };
    // Started together, so that their sweeps (every 15 s from each one's start) run at about the same times.
    for (const name of WORKER_NAMES) workers.push(startTesseraWorker({ ...env, PGAPPNAME: name }));
    await waitUntil(
      'both workers have connected to PostgreSQL',
      async () => {
        const { rows } = await sql<{ name: string }>`
          select distinct application_name as name from pg_stat_activity
          where application_name in (${sql.join(WORKER_NAMES)})`.execute(t.deps.db);
        return rows.length === WORKER_NAMES.length;
      },
      60_000,
    );

    // Their expiry passes while both run: half at one instant, the others one by one over 15 s.
    const start = Date.now() + 5_000;
    const expiresAt = new Map<string, string>();
    invitationIds.forEach((id, i) => {
      expiresAt.set(id, new Date(i < AT_ONCE ? start : start + (i - AT_ONCE) * 150).toISOString());
    });
    await t.deps.db
      .updateTable('invitations')
      .set({ expires_at: new Date(start).toISOString() })
      .where('id', 'in', invitationIds.slice(0, AT_ONCE))
      .execute();
    for (const id of invitationIds.slice(AT_ONCE)) {
      await t.deps.db
        .updateTable('invitations')
        .set({ expires_at: expiresAt.get(id)! })
        .where('id', '=', id)
        .execute();
    }
    assert.ok(Date.now() < start, 'every expiry is still ahead once set');

    // A slow sweep: while the test holds this lock no event can be written, so the first sweep to take
    // expired invitations stalls, holding them, while the other worker sweeps too: held until both
    // wait, or for a whole sweep period (each worker sweeps every 15 s).
    const waitingWorkers = async () => {
      const { rows } = await sql<{ name: string }>`
        select distinct application_name as name from pg_stat_activity
        where application_name in (${sql.join(WORKER_NAMES)}) and wait_event_type = 'Lock'`.execute(t.deps.db);
      return rows.length;
    };
    const locker = new pg.Client({ connectionString: t.database.url });
    await locker.connect();
    let stalled = 0;
    try {
      await locker.query('begin');
      await locker.query('lock table events in exclusive mode');
      await waitUntil('a sweep is waiting to write its events', async () => (await waitingWorkers()) > 0, 60_000);
      const until = Date.now() + SWEEP_EVERY_MS + 1_000;
      for (;;) {
        stalled = await waitingWorkers();
        if (stalled === WORKER_NAMES.length || Date.now() > until) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await locker.query('commit');
    } finally {
      await locker.end();
    }

    const expiredEvents = () =>
      t.deps.db
        .selectFrom('events')
        .selectAll()
        .where('organization_id', '=', org.organization.id)
        .where('type', '=', 'invitation.expired')
        .execute();
    const deliveries = () =>
      t.deps.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpoint.id).execute();
    await waitUntil(
      'every invitation is expired and its event delivered',
      async () => {
        const pending = await t.deps.db
          .selectFrom('invitations')
          .select('id')
          .where('id', 'in', invitationIds)
          .where('status', '!=', 'EXPIRED')
          .execute();
        if (pending.length > 0) return false;
        const rows = await deliveries();
        return rows.length >= INVITATIONS && rows.every((row) => row.status === 'SUCCEEDED');
      },
      120_000,
    );
    const doneAfterMs = Date.now() - start;
    for (const worker of workers) assert.ok(worker.alive(), `a worker exited: ${worker.output()}`);
    // Stopped cleanly: whatever either worker still had in flight is finished and recorded.
    for (const worker of workers) assert.equal(await worker.stop(), 0, worker.output());

    const events = await expiredEvents();
    const eventsOf = new Map<string, string[]>();
    for (const event of events) {
      const data = JSON.parse(event.data) as { id: string; status: string; expiresAt: string };
      assert.equal(data.status, 'EXPIRED');
      assert.equal(event.occurred_at, expiresAt.get(data.id), 'it occurred when the invitation expired');
      eventsOf.set(data.id, [...(eventsOf.get(data.id) ?? []), event.id]);
    }
    for (const id of invitationIds) assert.equal(eventsOf.get(id)?.length, 1, `${id}: invitation.expired events`);
    assert.equal(events.length, INVITATIONS, 'no other invitation.expired event');

    const stored = await t.deps.db
      .selectFrom('invitations')
      .select(['id', 'status', 'expires_at', 'updated_at'])
      .where('id', 'in', invitationIds)
      .execute();
    for (const row of stored) {
      assert.equal(row.status, 'EXPIRED');
      const lateMs = Date.parse(row.updated_at) - Date.parse(row.expires_at);
      assert.ok(
        lateMs >= 0 && lateMs < 60_000,
        `${row.id} expired ${lateMs} ms after its expiresAt (SPEC: within a minute)`,
      );
    }

    const rows = await deliveries();
    assert.equal(rows.length, INVITATIONS, 'one delivery per event');
    for (const row of rows) {
      assert.equal(row.status, 'SUCCEEDED');
      assert.equal(row.attempts, 1, `${row.event_id}: attempts`);
    }
    const copies = new Map<string, Received[]>();
    for (const request of receiver.received) {
      const payload = receiver.verify(request, endpoint.secret);
      const id = String(request.headers['webhook-id']);
      assert.equal(payload.type, 'invitation.expired');
      assert.equal(payload.data.id, id, 'the webhook-id is the event id');
      copies.set(id, [...(copies.get(id) ?? []), request]);
    }
    for (const [id, received] of copies) assert.equal(received.length, 1, `${id} received ${received.length} times`);
    assert.deepEqual(
      [...copies.keys()].sort(),
      events.map((event) => event.id).sort(),
      'each event received exactly once, and no other',
    );

    const [a, b] = workers.map((worker) => expiredCounts(worker.output()));
    context.diagnostic(
      `${stalled} worker(s) waiting on the held lock at its release; ` +
        `expired by the sweeps of worker a: ${JSON.stringify(a)}, of worker b: ${JSON.stringify(b)}; ` +
        `all delivered ${doneAfterMs} ms after the first expiry`,
    );
  });
});
