import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMailer } from '../../src/email/mailer.js';
import { OutboxWorker } from '../../src/modules/outbox/outbox.worker.js';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink.js';
import {
  createTestOrganization,
  freePort,
  inviteInBulk,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';
import { waitUntil } from '../helpers/tessera-process.js';

/** How many times each Message-ID was received. */
function copiesByMessageId(mail: ReceivedMail[]): Map<string, number> {
  const copies = new Map<string, number>();
  for (const message of mail) copies.set(message.messageId, (copies.get(message.messageId) ?? 0) + 1);
  return copies;
}

for (const dialect of DIALECTS) {
  describe(`SMTP down, then back [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let worker: OutboxWorker;
    let port: number;
    const sinks: SmtpSink[] = [];

    before(async () => {
      // The mail server's address is fixed, so that it can go down and come back where it was.
      port = await freePort();
      sinks.push(await new SmtpSink({ closeTimeoutMs: 100 }).start(port));
      t = await startTestApp(dialect, {
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        OUTBOX_POLL_MS: '50',
        // Backoff short enough for a test, attempts enough to outlast the outage.
        OUTBOX_RETRY_BASE_MS: '100',
        OUTBOX_RETRY_MAX_MS: '500',
        OUTBOX_MAX_ATTEMPTS: '50',
      });
      worker = new OutboxWorker(t.deps, createMailer(t.config, t.app.log), t.app.log.child({ component: 'outbox' }));
      worker.start();
      org = await createTestOrganization(t);
    });
    after(async () => {
      await worker?.stop();
      await worker?.mailer.close();
      for (const sink of sinks) await sink.stop().catch(() => undefined);
      await t?.close();
    });

    function outboxRows(invitationIds: string[]) {
      return t.deps.db.selectFrom('outbox').selectAll().where('invitation_id', 'in', invitationIds).execute();
    }

    test('the worker retries while the mail server is down and delivers every email exactly once when it returns', {
      timeout: 90_000,
    }, async () => {
      const received = () => sinks.flatMap((sink) => sink.received);

      // Up: mail flows.
      const early = Array.from({ length: 5 }, (_, i) => `early-${i}@example.com`);
      const earlyIds = await inviteInBulk(t, org, early);
      await waitUntil('the first emails arrive', () => received().length >= early.length);

      // Down: connected clients are told 421 and hung up on; new connections are refused.
      await sinks[0]!.stop();
      const during = Array.from({ length: 20 }, (_, i) => `during-outage-${i}@example.com`);
      const duringIds = await inviteInBulk(t, org, during);
      // Kept down until each of these has been tried and refused three times: retries, not one attempt.
      await waitUntil('every email queued during the outage has failed three times', async () => {
        const rows = await outboxRows(duringIds);
        return (
          rows.length === during.length &&
          rows.every(
            (row) => row.status === 'PENDING' && row.attempts >= 3 && row.locked_by === null && row.last_error !== null,
          )
        );
      });
      const failing = await outboxRows(duringIds);
      assert.ok(
        failing.every((row) => /ECONNREFUSED|ECONNECTION|ESOCKET|421/.test(row.last_error ?? '')),
        `the failures are the outage: ${failing.map((row) => row.last_error).join('; ')}`,
      );
      assert.equal(received().length, early.length, 'nothing was delivered while the server was down');

      // Back, on the same address: the retries get through.
      sinks.push(await new SmtpSink().start(port));
      await waitUntil(
        'every email is delivered',
        async () => (await outboxRows([...earlyIds, ...duringIds])).every((row) => row.status === 'SENT'),
        60_000,
      );

      const all = [...early, ...during];
      const mail = received();
      for (const email of all) {
        assert.equal(mail.filter((message) => message.to === email).length, 1, `${email} arrived exactly once`);
      }
      const copies = copiesByMessageId(mail);
      assert.equal(copies.size, all.length, 'one Message-ID per invitation');
      assert.deepEqual(
        [...copies.values()].filter((count) => count !== 1),
        [],
        'no Message-ID was received twice',
      );
      const rows = await outboxRows([...earlyIds, ...duringIds]);
      assert.ok(
        rows.filter((row) => duringIds.includes(row.invitation_id!)).every((row) => row.attempts >= 4),
        'delivered on a retry after three refused attempts',
      );
    });
  });
}
