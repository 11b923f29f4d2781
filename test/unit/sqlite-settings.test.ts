import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { parseDatabaseUrl } from '../../src/config.values.js';
import { createDb, WAL_SIZE_LIMIT_BYTES } from '../../src/db/create-db.js';

test('SQLite: WAL with NORMAL sync, foreign keys, a busy timeout, checkpoints about every 16 MB of WAL, and a WAL file cut back to 32 MB after a large write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-settings-'));
  const file = join(dir, 'tessera.db');
  const handle = createDb(parseDatabaseUrl(`sqlite:${file}`));
  try {
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(handle.db)).rows[0] as object)[0];
    assert.equal(await pragma('journal_mode'), 'wal');
    assert.equal(await pragma('synchronous'), 1, 'NORMAL');
    assert.equal(await pragma('foreign_keys'), 1);
    assert.equal(await pragma('busy_timeout'), 5000);
    assert.equal(await pragma('wal_autocheckpoint'), 4000);

    await sql`create table filler (body blob not null)`.execute(handle.db);
    const wal = () => statSync(`${file}-wal`).size;
    const write = (megabytes: number) =>
      handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < megabytes * 16; i++)
          await sql`insert into filler (body) values (randomblob(65536))`.execute(trx);
      });
    // Sustained writes, 1 MB a transaction: the WAL is checkpointed and reused about every 16 MB.
    let largest = 0;
    for (let i = 0; i < 40; i++) {
      await write(1);
      largest = Math.max(largest, wal());
    }
    assert.ok(largest > 12 * 2 ** 20 && largest < 20 * 2 ** 20, `the WAL peaked at ${largest} bytes, not about 16 MB`);
    // One 48 MB transaction grows the file past the limit; once checkpoints reset the WAL, its
    // file is cut back to the limit instead of keeping that size for good.
    await write(48);
    assert.ok(wal() > WAL_SIZE_LIMIT_BYTES);
    for (let i = 0; i < 40; i++) await write(1);
    assert.ok(wal() <= WAL_SIZE_LIMIT_BYTES, `the WAL file kept ${wal()} bytes`);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
