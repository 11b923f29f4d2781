import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createMailer } from '../../src/email/mailer.js';
import { retryDelayMs } from '../../src/modules/outbox/outbox.email-lane.js';
import { OutboxWorker } from '../../src/modules/outbox/outbox.worker.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { linkToken } from '../helpers/links.js';

const ROOT = new URL('../..', import.meta.url).pathname;

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every value of every row of every table, as text: where a leaked secret would show. */
async function dumpDatabase(t: TestApp): Promise<string> {
  const tables = (await t.deps.db.introspection.getTables()).map((table) => table.name);
  const dump: unknown[] = [];
  for (const table of tables) dump.push(await sql`select * from ${sql.table(table)}`.execute(t.deps.db));
  return JSON.stringify(dump);
}

test('retry delays grow exponentially with jitter and a cap', () => {
  assert.equal(
    retryDelayMs(1, 1000, 60_000, () => 0),
    500,
  );
  assert.equal(
    retryDelayMs(1, 1000, 60_000, () => 1),
    1000,
  );
  assert.equal(
    retryDelayMs(4, 1000, 60_000, () => 1),
    8000,
  );
  assert.equal(
    retryDelayMs(20, 1000, 60_000, () => 1),
    60_000,
  );
  assert.equal(
    retryDelayMs(20, 1000, 60_000, () => 0),
    30_000,
  );
});

for (const dialect of DIALECTS) {
  describe(`outbox delivery [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let base: string;

    before(async () => {
      t = await startTestApp(dialect, { OUTBOX_LEASE_SECONDS: '2', OUTBOX_MAX_ATTEMPTS: '3' }, { smtp: true });
      org = await createTestOrganization(t);
      base = `/v1/organizations/${org.organization.id}`;
    });
    afterEach(() => {
      t.smtp!.behaviour = () => undefined;
      t.smtp!.delayMs = 0;
    });
    after(() => t.close());

    async function invite(email: string) {
      const response = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(org.token),
        payload: { email },
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json();
    }

    async function outboxRow(invitationId: string) {
      return t.deps.db
        .selectFrom('outbox')
        .selectAll()
        .where('invitation_id', '=', invitationId)
        .executeTakeFirstOrThrow();
    }

    test('451 then 250: delivered exactly once, after a retry', async () => {
      t.smtp!.behaviour = (mail, attempt) => (mail.to === 'greylisted@example.com' && attempt === 1 ? 451 : undefined);
      const invitation = await invite('greylisted@example.com');
      await waitUntil(() => t.smtp!.received.some((mail) => mail.to === 'greylisted@example.com'));
      await waitUntil(async () => (await outboxRow(invitation.id)).status === 'SENT');
      assert.equal(t.smtp!.refused.filter((r) => r.mail.to === 'greylisted@example.com' && r.code === 451).length, 1);
      assert.equal(t.smtp!.received.filter((mail) => mail.to === 'greylisted@example.com').length, 1);
      const row = await outboxRow(invitation.id);
      assert.equal(row.attempts, 2);
      assert.match(row.last_error ?? '', /451/);
      assert.equal(row.secret, null, 'the sealed token is erased once sent');
    });

    test('550: dead with its error kept; `tessera outbox retry` sends it again', async () => {
      t.smtp!.behaviour = (mail) => (mail.to === 'bounce@example.com' ? 550 : undefined);
      const invitation = await invite('bounce@example.com');
      await waitUntil(async () => (await outboxRow(invitation.id)).status === 'DEAD');
      const dead = await outboxRow(invitation.id);
      assert.equal(dead.attempts, 1, 'a 5xx is not retried');
      assert.match(dead.last_error ?? '', /550/);

      const cli = (args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: t.database.url, LOG_LEVEL: 'warn' },
          encoding: 'utf8',
        });
      const listed = cli(['outbox', 'list', '--status', 'DEAD', '--json']);
      assert.equal(listed.status, 0, listed.stderr);
      const deadMessages = JSON.parse(listed.stdout).messages;
      assert.ok(
        deadMessages.some(
          (m: { id: string; to: string; lastError: string }) =>
            m.id === dead.id && m.to === 'bounce@example.com' && /550/.test(m.lastError),
        ),
      );

      t.smtp!.behaviour = () => undefined;
      const retried = cli(['outbox', 'retry', dead.id, '--json']);
      assert.equal(retried.status, 0, retried.stderr);
      assert.deepEqual(JSON.parse(retried.stdout), { retried: 1 });
      await waitUntil(() => t.smtp!.received.some((mail) => mail.to === 'bounce@example.com'));
      await waitUntil(async () => (await outboxRow(invitation.id)).status === 'SENT');
    });

    test('connection refused: retried with backoff until the last attempt, then dead', async () => {
      const broken = createMailer({ ...t.config, smtpUrl: 'smtp://127.0.0.1:1' }, t.app.log);
      await t.worker!.stop();
      const worker = new OutboxWorker(t.deps, broken, t.app.log);
      try {
        const invitation = await invite('unreachable@example.com');
        worker.start();
        await waitUntil(async () => (await outboxRow(invitation.id)).status === 'DEAD');
        const row = await outboxRow(invitation.id);
        assert.equal(row.attempts, 3);
        assert.match(row.last_error ?? '', /ECONNREFUSED|ECONNECTION|ESOCKET/);
      } finally {
        await worker.stop();
        await broken.close();
        t.worker!.start();
      }
    });

    test('a worker killed in the middle of a batch: another worker delivers every email after the lease', async () => {
      await t.worker!.stop();
      const emails = Array.from({ length: 12 }, (_, i) => `killed-${i}@example.com`);
      const invitations: Array<{ id: string }> = [];
      for (const email of emails) invitations.push(await invite(email));

      t.smtp!.delayMs = 1500;
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: t.database.url,
          SMTP_URL: t.smtp!.url,
          OUTBOX_LEASE_SECONDS: '2',
          OUTBOX_BATCH_SIZE: '12',
          OUTBOX_CONCURRENCY: '4',
          LOG_LEVEL: 'warn',
        },
      });
      try {
        // Wait until the child holds the batch and is in the middle of sending it.
        await waitUntil(async () => {
          const leased = await t.deps.db.selectFrom('outbox').select('id').where('locked_by', 'is not', null).execute();
          return leased.length === 12;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      t.smtp!.delayMs = 0;
      t.worker!.start();
      await waitUntil(async () => {
        const rows = await t.deps.db
          .selectFrom('outbox')
          .select('status')
          .where(
            'invitation_id',
            'in',
            invitations.map((i) => i.id),
          )
          .execute();
        return rows.every((row) => row.status === 'SENT');
      }, 30_000);
      for (const email of emails) {
        const copies = t.smtp!.received.filter((mail) => mail.to === email);
        assert.ok(copies.length >= 1, `${email} was delivered`);
        assert.ok(copies.length <= 2, `${email}: no more than the killed batch's copy and ours`);
        assert.equal(new Set(copies.map((mail) => mail.messageId)).size, 1, 'a repeated delivery keeps its Message-ID');
      }
    });

    test('on shutdown, a worker finishes the message in flight and gives back the leases it has not tried', async () => {
      await t.worker!.stop();
      const invitations: Array<{ id: string }> = [];
      for (const email of ['release-1@example.com', 'release-2@example.com', 'release-3@example.com']) {
        invitations.push(await invite(email));
      }
      const oneAtATime = { ...t.deps, config: { ...t.config, outbox: { ...t.config.outbox, concurrency: 1 } } };
      const worker = new OutboxWorker(oneAtATime, t.worker!.mailer, t.app.log);
      t.smtp!.delayMs = 500;
      const arrived = t.smtp!.arrived;
      worker.start();
      const ids = invitations.map((invitation) => invitation.id);
      // The first message is at the SMTP server, waiting for its reply.
      await waitUntil(() => t.smtp!.arrived > arrived);
      await worker.stop();
      const rows = await t.deps.db.selectFrom('outbox').selectAll().where('invitation_id', 'in', ids).execute();
      assert.ok(
        rows.every((row) => row.locked_by === null),
        'no lease is left behind',
      );
      assert.equal(rows.filter((row) => row.status === 'SENT').length, 1, 'the message in flight was finished');
      const released = rows.filter((row) => row.status === 'PENDING');
      assert.equal(released.length, 2);
      assert.ok(
        released.every((row) => row.attempts === 0),
        'an untried message does not lose an attempt',
      );
      t.smtp!.delayMs = 0;
      t.worker!.start();
      await waitUntil(async () => {
        const after = await t.deps.db.selectFrom('outbox').select('status').where('invitation_id', 'in', ids).execute();
        return after.every((row) => row.status === 'SENT');
      });
    });

    test('the plaintext link token is nowhere in the database or the logs', async () => {
      await t.worker!.stop();
      const invitation = await invite('secretive@example.com');
      const quiet = (
        await t.app.inject({
          method: 'POST',
          url: `${base}/invitations`,
          headers: { ...bearer(org.token), 'idempotency-key': 'quiet-1' },
          payload: { email: 'quiet-secret@example.com', sendEmail: false },
        })
      ).json();
      const quietToken = linkToken(quiet.acceptUrl);
      const whileQueued = await dumpDatabase(t);
      t.worker!.start();
      await waitUntil(() => t.smtp!.received.some((mail) => mail.to === 'secretive@example.com'));
      await waitUntil(async () => (await outboxRow(invitation.id)).status === 'SENT');
      const token = SmtpSink.token(t.smtp!.received.find((mail) => mail.to === 'secretive@example.com')!);
      const afterSending = await dumpDatabase(t);
      // The token really is live: it opens the invitation.
      const lookup = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
      assert.equal(lookup.statusCode, 200);
      for (const secret of [token, quietToken]) {
        assert.ok(!whileQueued.includes(secret), 'not in the database while the email waits');
        assert.ok(!afterSending.includes(secret), 'not in the database after sending');
        assert.ok(!t.logs.join('\n').includes(secret), 'not in the logs');
      }
    });
  });
}
