import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { sql } from 'kysely';
import { parseDatabaseUrl } from '../../src/config.values.js';
import { CONNECT_TIMEOUT_MS, createDb } from '../../src/db/create-db.js';
import { toAppError } from '../../src/http/error-handler.js';

test('a PostgreSQL server that accepts connections but never answers: the query gives up (a 503), it does not hang', {
  timeout: 60_000,
}, async () => {
  // Like a database host that stopped responding: the TCP handshake completes, nothing more.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const { port } = silent.address() as AddressInfo;
  const handle = createDb(parseDatabaseUrl(`postgres://postgres@127.0.0.1:${port}/postgres`, 2));
  try {
    const started = Date.now();
    const error = await sql`select 1`.execute(handle.db).then(
      () => assert.fail('a silent server cannot answer'),
      (failure: unknown) => failure,
    );
    const waited = Date.now() - started;
    assert.ok(waited < CONNECT_TIMEOUT_MS + 20_000, `gave up after ${waited} ms`);
    const answer = toAppError(error);
    assert.equal(answer.status, 503, String(error));
    assert.ok(answer.headers?.['retry-after']);
  } finally {
    await handle.close().catch(() => undefined);
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});
