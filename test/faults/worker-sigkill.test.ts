import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SmtpSink } from '../helpers/smtp-sink.js';
import {
  createTestOrganization,
  inviteInBulk,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';
import { startTesseraWorker, waitUntil, type TesseraProcess } from '../helpers/tessera-process.js';

const BATCH_SIZE = 10;
const MESSAGES = 60;

for (const dialect of DIALECTS) {
  describe(`worker killed with SIGKILL [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let sink: SmtpSink;
    const workers: TesseraProcess[] = [];

    before(async () => {
      // No worker in this process: `tessera worker` processes deliver.
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
      sink = await new SmtpSink({ closeTimeoutMs: 100 }).start();
    });
    after(async () => {
      for (const worker of workers) await worker.kill();
      await sink?.stop();
      await t?.close();
    });

    test(`every email is delivered, and none twice beyond the batch in flight (${BATCH_SIZE})`, {
      timeout: 90_000,
    }, async (context) => {
      const emails = Array.from({ length: MESSAGES }, (_, i) => `killed-worker-${i}@example.com`);
      const invitationIds = await inviteInBulk(t, org, emails);
      const outbox = () =>
        t.deps.db.selectFrom('outbox').selectAll().where('invitation_id', 'in', invitationIds).execute();

      const env = {
        DATABASE_URL: t.database.url,
        SMTP_URL: sink.url,
        OUTBOX_BATCH_SIZE: String(BATCH_SIZE),
        OUTBOX_CONCURRENCY: '5',
        // The killed worker's leases run out soon, so that the next worker may take its batch.
        OUTBOX_LEASE_SECONDS: '2',
        OUTBOX_POLL_MS: '100',
      };
      // A slow mail server keeps every batch in flight for a while.
      sink.delayMs = 150;
      const first = startTesseraWorker(env);
      workers.push(first);
      // Mid-batch: a batch or more delivered, and messages of the next one at the server, unanswered.
      await waitUntil(
        'the first worker is in the middle of a later batch',
        () => sink.received.length >= BATCH_SIZE && sink.arrived > sink.received.length,
        60_000,
      );
      await first.kill();
      const leased = (await outbox()).filter((row) => row.status === 'PENDING' && row.locked_by !== null);
      assert.ok(leased.length > 0, 'the killed worker held a batch');
      assert.ok(leased.length <= BATCH_SIZE);

      sink.delayMs = 0;
      const second = startTesseraWorker(env);
      workers.push(second);
      await waitUntil(
        'every email is recorded as sent',
        async () => (await outbox()).every((row) => row.status === 'SENT'),
        60_000,
      );
      assert.equal(await second.stop(), 0, 'the second worker shuts down cleanly');

      const copies = new Map<string, number>();
      for (const mail of sink.received) copies.set(mail.messageId, (copies.get(mail.messageId) ?? 0) + 1);
      for (const email of emails) {
        assert.ok(
          sink.received.some((mail) => mail.to === email),
          `${email} was delivered`,
        );
      }
      assert.equal(copies.size, MESSAGES, 'one Message-ID per invitation, kept across a repeated delivery');
      const duplicates = sink.received.length - copies.size;
      assert.ok(duplicates <= BATCH_SIZE, `${duplicates} duplicates, at most the killed worker's batch`);
      context.diagnostic(`killed holding ${leased.length} leases; ${duplicates} message(s) delivered twice`);
    });
  });
}
