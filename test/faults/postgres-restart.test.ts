import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { parseDatabaseUrl } from '../../src/config.values.js';
import { createDb } from '../../src/db/create-db.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createServiceDeps } from '../../src/deps.js';
import { createClient } from '../../src/modules/clients/client.service.js';
import { createOrganization } from '../../src/modules/organizations/organization.service.js';
import { InvitationLoad, type LoadAnswer } from '../helpers/invitation-load.js';
import { PRIVATE_POSTGRES_MISSING, PrivatePostgres } from '../helpers/private-postgres.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { startTesseraServer, waitUntil, type TesseraServer } from '../helpers/tessera-process.js';

/** An organization and a client on the fresh cluster, made directly (the server is a separate process). */
async function seed(url: string): Promise<{ organizationId: string; clientId: string; clientSecret: string }> {
  const handle = createDb(parseDatabaseUrl(url, 2));
  try {
    await migrateToLatest(handle.db);
    const deps = await createServiceDeps(loadConfig({ DATABASE_URL: url, SEED_DEMO: 'false' }), handle);
    const created = await createOrganization(deps, { name: 'Faults', owner: { email: 'owner@faults.example' } });
    const client = await createClient(deps, { organizationId: created.organization.id });
    return { organizationId: created.organization.id, clientId: client.clientId, clientSecret: client.clientSecret };
  } finally {
    await handle.close();
  }
}

async function accessToken(base: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { access_token: string }).access_token;
}

async function readiness(server: TesseraServer): Promise<{ status: number; retryAfter: string | null }> {
  if (!server.alive()) assert.fail(`the server exited:\n${server.output()}`);
  const response = await fetch(`${server.base}/readyz`, { signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

function describeAnswers(answers: LoadAnswer[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers)
    counts.set(`${answer.kind} ${answer.status}`, (counts.get(`${answer.kind} ${answer.status}`) ?? 0) + 1);
  return [...counts].map(([key, count]) => `${key}: ${count}`).join(', ');
}

test('PostgreSQL restarted under load: 503 with Retry-After while it is down, recovery by itself, every acknowledged invitation kept', {
  skip: PRIVATE_POSTGRES_MISSING,
  timeout: 90_000,
}, async (t) => {
  const cluster = await PrivatePostgres.create();
  const sink = await new SmtpSink().start();
  let server: TesseraServer | undefined;
  let load: InvitationLoad | undefined;
  try {
    const { organizationId, clientId, clientSecret } = await seed(cluster.url);
    server = await startTesseraServer({
      DATABASE_URL: cluster.url,
      DATABASE_POOL_SIZE: '8',
      SMTP_URL: sink.url,
      OUTBOX_POLL_MS: '100',
      OUTBOX_RETRY_BASE_MS: '100',
      OUTBOX_RETRY_MAX_MS: '1000',
      OUTBOX_MAX_ATTEMPTS: '50',
      OUTBOX_LEASE_SECONDS: '3',
    });
    const token = await accessToken(server.base, clientId, clientSecret);
    load = new InvitationLoad({ base: server.base, organizationId, token, concurrency: 8 });
    load.start();
    await waitUntil('30 invitations are acknowledged before the restart', () => load!.acknowledged.size >= 30);

    // Down: a crash-like stop with requests in flight.
    const downAt = Date.now();
    await cluster.crash();
    await waitUntil('/readyz reports not ready', async () => (await readiness(server!)).status === 503);
    const notReady = await readiness(server);
    assert.equal(notReady.status, 503);
    assert.ok(notReady.retryAfter, '/readyz says when to try again');
    await waitUntil('requests during the outage are answered 503', () => load!.count(503, downAt) >= 40);
    const tokenDuringOutage = await fetch(`${server.base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
      signal: AbortSignal.timeout(15_000),
    });
    assert.equal(tokenDuringOutage.status, 503, 'the token endpoint too');
    assert.ok(tokenDuringOutage.headers.get('retry-after'));
    assert.equal(((await tokenDuringOutage.json()) as { error: string }).error, 'temporarily_unavailable');
    const pageDuringOutage = await fetch(`${server.base}/invite/${'a'.repeat(43)}`, {
      signal: AbortSignal.timeout(15_000),
    });
    assert.equal(pageDuringOutage.status, 503, 'the invitee page too');
    assert.ok(pageDuringOutage.headers.get('retry-after'));
    assert.match(await pageDuringOutage.text(), /Back in a moment/);
    assert.ok(server.alive(), `the server survived the loss of its database:\n${server.output()}`);

    // Back: Tessera reconnects on its own; nothing is restarted but PostgreSQL.
    await cluster.start();
    const upAt = Date.now();
    await waitUntil('/readyz reports ready again', async () => (await readiness(server!)).status === 200);
    const acknowledgedBefore = load.acknowledged.size;
    await waitUntil(
      'new invitations are acknowledged after the restart',
      () => load!.acknowledged.size >= acknowledgedBefore + 30,
    );
    await load.stop();

    assert.ok(server.alive(), `the server is still the same process:\n${server.output()}`);
    const answers = load.answers;
    const unexpected = answers.filter(
      (answer) => answer.status !== 503 && (answer.status < 200 || answer.status >= 300),
    );
    assert.deepEqual(
      unexpected.map(({ kind, status, body }) => ({ kind, status, body: body.slice(0, 300) })),
      [],
      `every answer is a success or a clean 503 (${describeAnswers(answers)})`,
    );
    const unavailable = answers.filter((answer) => answer.status === 503);
    assert.ok(unavailable.length >= 40);
    for (const answer of unavailable) {
      assert.ok(
        answer.retryAfter && Number(answer.retryAfter) > 0,
        `a 503 carries Retry-After: ${JSON.stringify(answer)}`,
      );
      assert.match(answer.contentType ?? '', /^application\/problem\+json/);
      const problem = JSON.parse(answer.body) as { code: string; requestId: string; detail: string };
      assert.equal(problem.code, 'SERVICE_UNAVAILABLE');
      assert.ok(problem.requestId);
      assert.doesNotMatch(answer.body, /ECONN|terminat|postgres|select|insert|stack/i, 'nothing internal in a 503');
    }
    assert.ok(
      answers.some((answer) => answer.kind === 'create' && answer.status === 201 && answer.at >= upAt),
      'creating works again after the restart',
    );

    // Every invitation the client was told about (201) survived the crash.
    const acknowledged = [...load.acknowledged.values()];
    const check = new pg.Client({ connectionString: cluster.url });
    await check.connect();
    try {
      const found = await check.query<{ id: string }>('select id from invitations where id = any($1::uuid[])', [
        acknowledged,
      ]);
      const missing = acknowledged.filter((id) => !found.rows.some((row) => row.id === id));
      assert.deepEqual(missing, [], `all ${acknowledged.length} acknowledged invitations are in the database`);
    } finally {
      await check.end();
    }

    // And the worker inside the server recovered too: every acknowledged invitation's email arrives.
    const emails = [...load.acknowledged.keys()];
    await waitUntil(
      'every acknowledged invitation has been emailed',
      () => emails.every((email) => sink.received.some((mail) => mail.to === email)),
      60_000,
    );
    t.diagnostic(`answers: ${describeAnswers(answers)}; acknowledged ${acknowledged.length}`);
  } catch (error) {
    // What the server and PostgreSQL said, for whoever reads a failure.
    console.error(`--- tessera serve output (tail) ---\n${server?.output().slice(-6000)}`);
    console.error(`--- PostgreSQL log (tail) ---\n${cluster.serverLog().slice(-3000)}`);
    throw error;
  } finally {
    await load?.stop();
    await server?.stop();
    await sink.stop();
    await cluster.destroy();
  }
});
