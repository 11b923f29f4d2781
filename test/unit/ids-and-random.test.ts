import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secureRandomBytes } from '../../src/auth/random-bytes.js';
import { newId } from '../../src/db/ids.js';
import { UUID_PATTERN } from '../../src/http/common.schemas.js';

test('row ids are lower-case UUIDv7 that sort in the order they were made, within a millisecond too', () => {
  const ids = Array.from({ length: 20_000 }, () => newId());
  for (const id of [ids[0]!, ids[19_999]!]) {
    assert.match(id, new RegExp(UUID_PATTERN));
    assert.equal(id[14], '7', `version 7: ${id}`);
    assert.match(id[19]!, /[89ab]/, `RFC 9562 variant: ${id}`);
  }
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  const millis = parseInt(newId().replace(/-/g, '').slice(0, 12), 16);
  assert.ok(Math.abs(millis - Date.now()) < 5_000, 'the first 48 bits are the time in milliseconds');
});

test('pooled random bytes: the size asked for, never the same bytes twice across pool refills, each draw a copy of its own', () => {
  const draws = Array.from({ length: 2_000 }, () => secureRandomBytes(32));
  assert.ok(draws.every((bytes) => bytes.length === 32));
  assert.equal(new Set(draws.map((bytes) => bytes.toString('hex'))).size, draws.length);
  // 64 KB drawn: each 4 KiB pool was refilled, and no draw is a window onto the pool.
  const kept = Buffer.from(draws[0]!);
  secureRandomBytes(4096 / 8);
  assert.deepEqual(draws[0], kept);
  // Larger than an eighth of the pool: straight from the CSPRNG.
  assert.equal(secureRandomBytes(4096).length, 4096);
  // Roughly uniform: over 64 KB every byte value appears.
  const seen = new Set(Buffer.concat(draws).values());
  assert.equal(seen.size, 256);
});
