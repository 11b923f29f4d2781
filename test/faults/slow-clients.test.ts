import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createServiceDeps } from '../../src/deps.js';
import { createClient } from '../../src/modules/clients/client.service.js';
import { createOrganization } from '../../src/modules/organizations/organization.service.js';
import { GENEROUS_LIMITS } from '../helpers/test-app.js';
import { runCli, startTesseraServer, waitUntil, type TesseraServer } from '../helpers/tessera-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const REQUEST_TIMEOUT_MS = 3000;
/**
 * Node looks for requests past their time every quarter of the timeout (750 ms here); the rest is
 * room for a busy machine. A server without the timeout, or checking at Node's default 30 s, misses it.
 */
const CUT_OFF_MARGIN_MS = 1500;
/** As in the test's name. */
const SLOW_CLIENTS = 500;
/** Connections opened at once while the crowd gathers: enough to be quick, few enough not to be a SYN flood. */
const CONNECTING_AT_ONCE = 50;
/** Below bodyLimit (1 MiB), so that Fastify waits for the body rather than refusing it at once. */
const CONTENT_LENGTH = 100_000;

/** A client that sends a request's headers, then its body a byte a second; it never finishes in time. */
class SlowClient {
  readonly startedAt = Date.now();
  closedAt: number | undefined;
  received = '';
  private sent = 0;
  private constructor(
    readonly socket: Socket,
    private readonly body: string,
  ) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.received += chunk));
    // The server may close while a byte is on its way (EPIPE, ECONNRESET): that is the point.
    socket.on('error', () => undefined);
    socket.once('close', () => (this.closedAt = Date.now()));
  }

  static async start(port: number, path: string, token: string, email: string): Promise<SlowClient> {
    const body = JSON.stringify({ email }).padEnd(CONTENT_LENGTH, ' ');
    const client = new SlowClient(connect(port, '127.0.0.1'), body);
    await once(client.socket, 'connect');
    client.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${CONTENT_LENGTH}\r\n\r\n`,
    );
    client.sendOneByte();
    return client;
  }

  get open(): boolean {
    return this.closedAt === undefined;
  }

  /** How long the server let it go on, from before it connected to the close. */
  get lasted(): number {
    return (this.closedAt ?? Date.now()) - this.startedAt;
  }

  sendOneByte(): void {
    if (this.open && this.socket.writable) this.socket.write(this.body[this.sent++]!);
  }
}

/** Slow clients that each send one more byte every second, until the server closes them. */
class SlowCrowd {
  readonly clients: SlowClient[] = [];
  private readonly ticker = setInterval(() => {
    for (const client of this.clients) client.sendOneByte();
  }, 1000);

  async gather(count: number, start: (index: number) => Promise<SlowClient>): Promise<void> {
    for (let first = 0; first < count; first += CONNECTING_AT_ONCE) {
      const batch = Array.from({ length: Math.min(CONNECTING_AT_ONCE, count - first) }, (_, offset) =>
        start(first + offset),
      );
      this.clients.push(...(await Promise.all(batch)));
    }
  }

  get openCount(): number {
    return this.clients.filter((client) => client.open).length;
  }

  /** Stops sending and destroys every socket still open (only at the end, after the assertions). */
  end(): void {
    clearInterval(this.ticker);
    for (const client of this.clients) client.socket.destroy();
  }
}

/** GET /healthz on a connection of its own; resolves with the status and how long it took. */
function probeHealth(port: number): Promise<{ status: number; took: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 1000 }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, took: Date.now() - started }));
    });
    request.on('timeout', () => request.destroy(new Error(`/healthz did not answer within 1 s`)));
    request.on('error', reject);
  });
}

/** The open-files limit a process started from here gets (Node raises its soft limit to the hard one). */
function openFilesLimit(): number {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const limit = result.stdout.trim();
  return limit === 'unlimited' ? Number.POSITIVE_INFINITY : Number(limit);
}

test('REQUEST_TIMEOUT_MS: 30 s by default; 0 (off) or under a second stops the start, naming it', () => {
  assert.equal(loadConfig({}).requestTimeoutMs, 30_000);
  assert.equal(loadConfig({ REQUEST_TIMEOUT_MS: '2500' }).requestTimeoutMs, 2500);
  for (const value of ['999', '3600001', 'soon']) {
    assert.throws(
      () => loadConfig({ REQUEST_TIMEOUT_MS: value }),
      /REQUEST_TIMEOUT_MS must be an integer from 1000 to 3600000/,
    );
  }
  const refused = runCli(['serve'], { REQUEST_TIMEOUT_MS: '0', DATABASE_URL: 'sqlite::memory:' });
  assert.equal(refused.status, 78, refused.stderr);
  assert.match(refused.stderr, /REQUEST_TIMEOUT_MS must be an integer from 1000 to 3600000 \(got 0\)/);
});

// The timeout is Node's HTTP server's, before any database work: the suite runs once, on SQLite.
describe('slow clients', () => {
  let database: TestDatabase;
  let server: TesseraServer;
  let port: number;
  let invitationsPath: string;
  let token: string;

  async function invitationsTo(emailPattern: string): Promise<number> {
    const row = await database.handle.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('email', 'like', emailPattern)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  before(async () => {
    database = await createTestDatabase('sqlite');
    const deps = await createServiceDeps(
      loadConfig({ DATABASE_URL: database.url, SEED_DEMO: 'false' }),
      database.handle,
    );
    const { organization } = await createOrganization(deps, {
      name: 'Slow clients',
      owner: { email: 'owner@slow.example' },
    });
    const client = await createClient(deps, { organizationId: organization.id });
    // The real server, in a process of its own as it is deployed: its event loop is not the clients'.
    server = await startTesseraServer({
      DATABASE_URL: database.url,
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      ...GENEROUS_LIMITS,
    });
    port = Number(new URL(server.base).port);
    invitationsPath = `/v1/organizations/${organization.id}/invitations`;
    const issued = await fetch(`${server.base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
    });
    assert.equal(issued.status, 200, await issued.clone().text());
    token = ((await issued.json()) as { access_token: string }).access_token;
  });

  after(async () => {
    await server?.stop();
    await database?.drop();
  });

  test('a body sent a byte a second is cut off (408) once REQUEST_TIMEOUT_MS has passed, and nothing is written', async (t) => {
    const crowd = new SlowCrowd();
    try {
      await crowd.gather(1, () => SlowClient.start(port, invitationsPath, token, 'trickle@slow.example'));
      const [client] = crowd.clients as [SlowClient];
      await waitUntil('the server closes the slow request', () => !client.open, REQUEST_TIMEOUT_MS + 10_000);
      assert.ok(
        client.lasted >= REQUEST_TIMEOUT_MS && client.lasted < REQUEST_TIMEOUT_MS + CUT_OFF_MARGIN_MS,
        `closed after ${client.lasted} ms; REQUEST_TIMEOUT_MS is ${REQUEST_TIMEOUT_MS}`,
      );
      assert.match(client.received, /^HTTP\/1\.1 408 Request Timeout\r\n/, JSON.stringify(client.received));
      t.diagnostic(`cut off after ${client.lasted} ms`);
    } finally {
      crowd.end();
    }
    assert.equal(await invitationsTo('trickle@slow.example'), 0);
    // The same request sent at once creates the invitation: the slow one was refused for its pace alone.
    const created = await fetch(`${server.base}${invitationsPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'trickle@slow.example' }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    assert.equal(await invitationsTo('trickle@slow.example'), 1);
  });

  test('500 slow clients at once: /healthz answers within a second while they are connected, then each is cut off', async (t) => {
    const limit = openFilesLimit();
    // Each process holds one descriptor per connection, the test's clients and the server's sockets.
    assert.ok(
      limit >= SLOW_CLIENTS + 500,
      `the open-files limit (ulimit -n) is ${limit}: too low for ${SLOW_CLIENTS} connections`,
    );
    const crowd = new SlowCrowd();
    try {
      await crowd.gather(SLOW_CLIENTS, (index) =>
        SlowClient.start(port, invitationsPath, token, `crowd-${index}@crowd.slow.example`),
      );
      assert.equal(crowd.openCount, SLOW_CLIENTS);

      const probes: Array<{ status: number; took: number }> = [];
      for (let probe = 0; probe < 20; probe++) {
        probes.push(await probeHealth(port));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.deepEqual(
        probes.filter((probe) => probe.status !== 200 || probe.took >= 1000),
        [],
        `every /healthz within 1 s: ${JSON.stringify(probes)}`,
      );
      // The probes ran while every slow client was still connected.
      assert.equal(crowd.openCount, SLOW_CLIENTS, 'a slow client was closed before the probes ended');

      await waitUntil('the server closes every slow request', () => crowd.openCount === 0, REQUEST_TIMEOUT_MS + 10_000);
      const late = crowd.clients.filter((client) => client.lasted >= REQUEST_TIMEOUT_MS + CUT_OFF_MARGIN_MS);
      assert.deepEqual(
        late.map((client) => client.lasted),
        [],
        'cut off past the timeout and its margin',
      );
      const early = crowd.clients.filter((client) => client.lasted < REQUEST_TIMEOUT_MS);
      assert.deepEqual(
        early.map((client) => client.lasted),
        [],
        'cut off before the timeout',
      );
      const answered = crowd.clients.filter((client) => /^HTTP\/1\.1 408 /.test(client.received)).length;
      assert.equal(answered, SLOW_CLIENTS, 'every slow client was answered 408 before the close');
      const lasted = crowd.clients.map((client) => client.lasted);
      t.diagnostic(
        `slowest /healthz ${Math.max(...probes.map((probe) => probe.took))} ms; ` +
          `cut off after ${Math.min(...lasted)} to ${Math.max(...lasted)} ms`,
      );
    } finally {
      crowd.end();
    }
    assert.equal(await invitationsTo('%@crowd.slow.example'), 0);
    assert.equal((await probeHealth(port)).status, 200);
    assert.deepEqual(
      server
        .output()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line)),
      [],
      'no error in the server log',
    );
  });
});
