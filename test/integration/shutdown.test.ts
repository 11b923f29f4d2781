import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTesseraServer } from '../helpers/tessera-process.js';
import { createEmptyDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.js';

for (const dialect of DIALECTS) {
  describe(`shutdown [${dialect}]`, () => {
    let database: TestDatabase;

    before(async () => {
      database = await createEmptyDatabase(dialect);
    });
    after(() => database.drop());

    test('SIGTERM closes cleanly and at once, though a client holds a connection on which it never sent a request', async () => {
      const server = await startTesseraServer({ DATABASE_URL: database.url });
      const { port } = new URL(server.base);
      // A connection that sends nothing (a load generator's spare one, a slow client), and a
      // keep-alive one between requests.
      const silent = connect(Number(port), '127.0.0.1');
      await once(silent, 'connect');
      const silentClosed = once(silent, 'close');
      assert.equal((await fetch(`${server.base}/healthz`)).status, 200);

      const started = Date.now();
      const exit = await server.stop(30_000);
      assert.equal(exit, 0, `exit code 0 (not killed by the grace timer): ${server.output()}`);
      assert.ok(Date.now() - started < 5_000, `stopped in ${Date.now() - started} ms; Node's headersTimeout is 60 s`);
      await silentClosed;
      assert.doesNotMatch(server.output(), /killed by timeout/);
    });
  });
}
