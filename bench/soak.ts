/**
 * `npm run soak [-- --pg]`: a bounded mixed load on a built Tessera (API, its email worker and a
 * local SMTP server, all on 127.0.0.1), then a report: requests by kind, their status codes and
 * latencies, and every queued email accounted for. Exits non-zero on any 5xx, any request that
 * got no answer or an answer it should not have, and any email lost or delivered twice.
 *
 * SOAK_SECONDS (default 60) and SOAK_CONNECTIONS (default 16) size the run; --pg runs it on
 * PostgreSQL at TEST_POSTGRES_URL (a schema of its own) instead of a SQLite file.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../src/modules/clients/client.service.js';
import { createOrganization } from '../src/modules/organizations/organization.service.js';
import { freePort } from '../test/helpers/test-app.js';
import { VirtualUser, type Answer, type SoakTarget } from './soak-workload.js';
import {
  killChildren,
  logger,
  peakMemoryMb,
  ROOT,
  setupDatabase,
  startChild,
  startCountingSmtpSink,
  waitForHttp,
} from './support.js';

const USE_PG = process.argv.includes('--pg');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** How long the worker may take, after the load, to deliver what is still queued. */
const DRAIN_SECONDS = 120;
const log = logger('soak');

/**
 * The limits are on and counted, but set far above what one client on 127.0.0.1 sends here in a
 * minute: the soak is about staying up, not about being refused. A 429 still counts as expected.
 */
const GENEROUS_LIMITS: Record<string, string> = {
  RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '1000000',
  RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: '1000000',
  RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY: '1000000',
  RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '1000000',
  RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE: '1000000',
  PENDING_INVITATIONS_MAX_PER_ORG: '1000000',
};

interface KindSummary {
  kind: string;
  requests: number;
  statuses: Map<number, number>;
  p50: number;
  p99: number;
  unexpected: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarize(answers: Answer[]): KindSummary[] {
  const byKind = new Map<string, Answer[]>();
  for (const answer of answers) {
    const list = byKind.get(answer.kind) ?? [];
    list.push(answer);
    byKind.set(answer.kind, list);
  }
  return [...byKind]
    .map(([kind, list]) => {
      const statuses = new Map<number, number>();
      for (const answer of list) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const latencies = list.map((answer) => answer.ms).sort((a, b) => a - b);
      return {
        kind,
        requests: list.length,
        statuses,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        unexpected: list.filter((answer) => !answer.expected).length,
      };
    })
    .sort((a, b) => b.requests - a.requests);
}

async function accessToken(base: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

async function main(): Promise<number> {
  log(
    `building (${USE_PG ? 'PostgreSQL' : 'SQLite'}; ${cpus().length} cores; ${SECONDS} s, ${CONNECTIONS} connections)`,
  );
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');

  const setup = await setupDatabase({ postgres: USE_PG, pgUrl: PG_URL, prefix: 'tessera_soak' });
  try {
    const ownerPassword = 'Soak-Owner-Passw0rd!';
    const created = await createOrganization(setup.deps, {
      name: 'Soak',
      owner: { email: 'owner@soak.example', password: ownerPassword },
    });
    const client = await createClient(setup.deps, { organizationId: created.organization.id });
    const sink = await startCountingSmtpSink();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const tessera = startChild(join(ROOT, 'bin/tessera.cjs'), ['serve'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      DATABASE_URL: setup.databaseUrl,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      OUTBOX_WORKER: 'true',
      OUTBOX_POLL_MS: '200',
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      ...GENEROUS_LIMITS,
    });
    // Logs are JSON lines on stdout: read them (a full pipe would stall the server) and count errors.
    let errorLines = 0;
    const errorSamples: string[] = [];
    tessera.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!/"level":(50|60)/.test(line)) continue;
        errorLines++;
        if (errorSamples.length < 5) errorSamples.push(line.slice(0, 600));
      }
    });
    await waitForHttp(`${base}/readyz`);

    const target: SoakTarget = {
      base,
      organizationId: created.organization.id,
      memberRoleId: created.roles.find((role) => role.name === 'Member')!.id,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      accessToken: await accessToken(base, client.clientId, client.clientSecret),
      ownerSession: await signIn(base, 'owner@soak.example', ownerPassword),
    };

    log(`load: ${SECONDS} s, ${CONNECTIONS} virtual users`);
    const loadBefore = loadavg()[0]!;
    const answers: Answer[] = [];
    const started = performance.now();
    const until = started + SECONDS * 1000;
    const progress = setInterval(
      () => log(`${Math.round((performance.now() - started) / 1000)} s: ${answers.length} requests`),
      10_000,
    );
    await Promise.all(
      Array.from({ length: CONNECTIONS }, () => new VirtualUser(target, (answer) => answers.push(answer)).run(until)),
    );
    clearInterval(progress);
    const elapsed = (performance.now() - started) / 1000;
    const apiPeakMb = peakMemoryMb(tessera.pid!);
    const loadAfter = loadavg()[0]!;

    log('waiting for the outbox to drain');
    const pendingCount = async () =>
      Number(
        (
          await setup.handle.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('status', '=', 'PENDING')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const drainDeadline = Date.now() + DRAIN_SECONDS * 1000;
    while ((await pendingCount()) > 0 && Date.now() < drainDeadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    // Let the last SMTP replies and the worker's records settle.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const outbox = await setup.handle.db.selectFrom('outbox').select(['id', 'status']).execute();
    const outboxIds = new Set(outbox.map((row) => row.id));
    const receivedIds = new Map<string, number>();
    for (const [messageId, copies] of sink.received)
      receivedIds.set(/^<([^@>]+)@/.exec(messageId)?.[1] ?? messageId, copies);
    const byStatus = (status: string) => outbox.filter((row) => row.status === status);
    const sent = byStatus('SENT');
    const notReceived = sent.filter((row) => !receivedIds.has(row.id));
    const email = {
      queued: outbox.length,
      delivered: sent.length - notReceived.length,
      cancelled: byStatus('CANCELLED').length,
      stillPending: byStatus('PENDING').length,
      dead: byStatus('DEAD').length,
      lost: notReceived.length + byStatus('PENDING').length + byStatus('DEAD').length,
      doubled: [...receivedIds.values()].filter((copies) => copies > 1).length,
      unknown: [...receivedIds.keys()].filter((id) => !outboxIds.has(id)).length,
    };

    tessera.kill('SIGTERM');
    const [exitCode] = await once(tessera, 'exit');
    await sink.close();

    const kinds = summarize(answers);
    const serverErrors = answers.filter((answer) => answer.status >= 500).length;
    const noAnswer = answers.filter((answer) => answer.status === 0).length;
    const unexpected = answers.filter((answer) => !answer.expected);
    const rateLimited = answers.filter((answer) => answer.status === 429).length;
    const all = answers.map((answer) => answer.ms).sort((a, b) => a - b);
    const failures = [
      serverErrors > 0 && `${serverErrors} 5xx`,
      noAnswer > 0 && `${noAnswer} requests without an answer`,
      unexpected.length - serverErrors - noAnswer > 0 &&
        `${unexpected.length - serverErrors - noAnswer} answers with an unexpected status`,
      email.lost > 0 && `${email.lost} emails lost`,
      email.doubled > 0 && `${email.doubled} emails delivered twice`,
      exitCode !== 0 && `Tessera exited with ${exitCode} on SIGTERM`,
    ].filter(Boolean) as string[];

    const lines = [
      '# Tessera soak',
      '',
      `Run ${new Date().toISOString()} on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ` +
        `${USE_PG ? 'PostgreSQL 15 (127.0.0.1)' : 'SQLite (WAL, a file)'}. Reproduce: \`npm run soak\` ` +
        `(\`SOAK_SECONDS\`, \`SOAK_CONNECTIONS\`; \`-- --pg\` for PostgreSQL).`,
      `${CONNECTIONS} virtual users for ${elapsed.toFixed(0)} s on 127.0.0.1, each sending one request after another, drawn at ` +
        'random from the mix below; the built server (`bin/tessera.cjs serve`, as `npm start` runs it) with its email worker, delivering to a local SMTP ' +
        'server; rate limits on, set out of reach (a 429 would count as expected). ' +
        `Load average (1 min) ${loadBefore.toFixed(1)} before the load and ${loadAfter.toFixed(1)} at its end: ` +
        'latencies and rates are those of this machine at that moment, shared with whatever else ran on it.',
      '',
      '| requests | status codes | p50 | p99 | unexpected |',
      '|---|---|---|---|---|',
      ...kinds.map(
        (kind) =>
          `| ${kind.kind}: ${kind.requests.toLocaleString('en-US')} | ${[...kind.statuses]
            .sort(([a], [b]) => a - b)
            .map(([status, count]) => `${status} × ${count.toLocaleString('en-US')}`)
            .join(', ')} | ` + `${kind.p50.toFixed(0)} ms | ${kind.p99.toFixed(0)} ms | ${kind.unexpected} |`,
      ),
      `| **all: ${answers.length.toLocaleString('en-US')}** (${Math.round(answers.length / elapsed).toLocaleString('en-US')} req/s) | ` +
        `5xx: ${serverErrors}, no answer: ${noAnswer}, 429: ${rateLimited} | ${percentile(all, 50).toFixed(0)} ms | ${percentile(all, 99).toFixed(0)} ms | ${unexpected.length} |`,
      '',
      '| email | count |',
      '|---|---|',
      `| queued (outbox messages written) | ${email.queued.toLocaleString('en-US')} |`,
      `| delivered (recorded as sent and received by the SMTP server) | ${email.delivered.toLocaleString('en-US')} |`,
      `| cancelled before sending (revoked, declined or re-sent first) | ${email.cancelled.toLocaleString('en-US')} |`,
      `| lost (sent but not received, still pending after ${DRAIN_SECONDS} s, or dead) | ${email.lost} |`,
      `| received twice | ${email.doubled} |`,
      '',
      `API process peak memory (resident) ${apiPeakMb} MB; error lines in its log: ${errorLines}; exit on SIGTERM: ${exitCode}.`,
      '',
      failures.length === 0
        ? '**Result: pass** (no 5xx, every request answered as expected, every email accounted for).'
        : `**Result: FAIL**: ${failures.join('; ')}.`,
      '',
    ];
    const report = lines.join('\n');
    writeFileSync(join(ROOT, 'bench', USE_PG ? 'soak-results-pg.md' : 'soak-results.md'), report);
    process.stdout.write(`${report}\n`);
    for (const answer of unexpected.slice(0, 10))
      log(`unexpected: ${answer.kind} ${answer.status} ${answer.body ?? ''}`);
    for (const line of errorSamples) log(`server error log: ${line}`);
    if (email.unknown > 0) log(`${email.unknown} received messages match no outbox row`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await setup.cleanup();
  }
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(killChildren);
