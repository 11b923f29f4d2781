import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { parseDatabaseUrl } from '../../src/config.values.js';
import { createDb, QUERY_READ_GRACE_MS } from '../../src/db/create-db.js';
import { createServiceDeps } from '../../src/deps.js';
import { toAppError } from '../../src/http/error-handler.js';
import { createClient } from '../../src/modules/clients/client.service.js';
import { createOrganization } from '../../src/modules/organizations/organization.service.js';
import { startTesseraServer, type TesseraServer } from '../helpers/tessera-process.js';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/test-db.js';

const SKIP = !POSTGRES_URL && 'TEST_POSTGRES_URL is not set';
const TIMEOUT_MS = 1000;

test('a request waiting on a lock held elsewhere answers 503 after DATABASE_QUERY_TIMEOUT_MS, writes nothing, and succeeds once the lock is gone', {
  skip: SKIP,
  timeout: 90_000,
}, async () => {
  const database: TestDatabase = await createTestDatabase('postgres');
  let server: TesseraServer | undefined;
  const locker = new pg.Client({ connectionString: database.url });
  try {
    const deps = await createServiceDeps(
      loadConfig({ DATABASE_URL: database.url, SEED_DEMO: 'false' }),
      database.handle,
    );
    const { organization } = await createOrganization(deps, { name: 'Locks', owner: { email: 'owner@locks.example' } });
    const client = await createClient(deps, { organizationId: organization.id });
    // No worker in the server: the invitation email's delivery record would queue behind the same lock,
    // and this test counts the sessions left waiting for the request's statement alone.
    server = await startTesseraServer({
      DATABASE_URL: database.url,
      DATABASE_QUERY_TIMEOUT_MS: String(TIMEOUT_MS),
      OUTBOX_WORKER: 'false',
    });
    const tokenResponse = await fetch(`${server.base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
    });
    const headers = {
      authorization: `Bearer ${((await tokenResponse.json()) as { access_token: string }).access_token}`,
      'content-type': 'application/json',
    };
    const invitations = `${server.base}/v1/organizations/${organization.id}/invitations`;
    const created = await fetch(invitations, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: 'locked@locks.example' }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const invitationId = ((await created.json()) as { id: string }).id;

    // Another session (a migration, an operator's psql) holds the invitation's row.
    await locker.connect();
    await locker.query('begin');
    await locker.query('select id from invitations where id = $1 for update', [invitationId]);

    const started = Date.now();
    const revoking = fetch(`${invitations}/${invitationId}/revoke`, {
      method: 'POST',
      headers,
      body: '{}',
      signal: AbortSignal.timeout(20_000),
    });
    // Meanwhile the service keeps serving.
    const reading = await fetch(`${invitations}/${invitationId}`, { headers });
    assert.equal(reading.status, 200);
    const revoked = await revoking;
    const waited = Date.now() - started;
    assert.equal(revoked.status, 503, await revoked.clone().text());
    assert.ok(Number(revoked.headers.get('retry-after')) > 0);
    assert.equal(((await revoked.json()) as { code: string }).code, 'SERVICE_UNAVAILABLE');
    assert.ok(
      waited >= TIMEOUT_MS - 100 && waited < TIMEOUT_MS + QUERY_READ_GRACE_MS + 3000,
      `answered after ${waited} ms`,
    );
    // The server cancelled the statement: no session is left queued behind the lock.
    const waiting = await locker.query(
      `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
    );
    assert.equal(waiting.rows[0].n, 0);
    const unchanged = await fetch(`${invitations}/${invitationId}`, { headers });
    assert.equal(((await unchanged.json()) as { status: string }).status, 'PENDING');

    await locker.query('rollback');
    const again = await fetch(`${invitations}/${invitationId}/revoke`, { method: 'POST', headers, body: '{}' });
    assert.equal(again.status, 200, await again.clone().text());
    assert.equal(((await again.json()) as { status: string }).status, 'REVOKED');
  } finally {
    await locker.end().catch(() => undefined);
    await server?.stop();
    await database.drop();
  }
});

/**
 * A TCP relay to PostgreSQL that can stop relaying on the connections open at that moment, like a
 * server or a network that stopped answering in the middle of a query. Later connections relay.
 */
async function startRelay(target: URL): Promise<{ port: number; freeze(): void; close(): void }> {
  const sockets: Socket[] = [];
  const relay = createServer((inbound) => {
    const outbound = connect(Number(target.port || 5432), target.hostname);
    sockets.push(inbound, outbound);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  }).listen(0, '127.0.0.1');
  await once(relay, 'listening');
  return {
    port: (relay.address() as AddressInfo).port,
    freeze() {
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    close() {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

test('a PostgreSQL that stops answering mid-query: the query gives up (a 503), and its connection is not handed out again', {
  skip: SKIP,
  timeout: 60_000,
}, async () => {
  const target = new URL(POSTGRES_URL!);
  const relay = await startRelay(target);
  const relayed = new URL(POSTGRES_URL!);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(relay.port);
  // One connection: were the stuck one handed out again, the next query could not succeed.
  const handle = createDb(parseDatabaseUrl(relayed.toString(), 1, TIMEOUT_MS));
  try {
    const settings = await sql<{ statement: string; idle: string }>`
        select current_setting('statement_timeout') as statement,
          current_setting('idle_in_transaction_session_timeout') as idle`.execute(handle.db);
    assert.deepEqual(settings.rows[0], { statement: '1s', idle: '1s' });

    relay.freeze();
    const started = Date.now();
    const error = await sql`select 1`.execute(handle.db).then(
      () => assert.fail('a frozen connection cannot answer'),
      (failure: unknown) => failure,
    );
    const waited = Date.now() - started;
    assert.ok(waited < TIMEOUT_MS + QUERY_READ_GRACE_MS + 3000, `gave up after ${waited} ms`);
    assert.equal(toAppError(error).status, 503, String(error));

    const { rows } = await sql<{ answer: number }>`select 1 as answer`.execute(handle.db);
    assert.deepEqual(rows, [{ answer: 1 }]);
  } finally {
    await handle.close().catch(() => undefined);
    relay.close();
  }
});
