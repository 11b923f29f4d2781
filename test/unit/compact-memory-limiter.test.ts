import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { CompactRateLimiterMemory } from '../../src/limits/compact-memory-limiter.js';

test('counts a window like rate-limiter-flexible: up to the limit, then refused with the time left; given-back points count again', async () => {
  const limiter = new CompactRateLimiterMemory({ keyPrefix: 'test', points: 3, duration: 60 });
  for (let i = 1; i <= 3; i++) assert.equal((await limiter.consume('someone')).consumedPoints, i);
  const refused = await limiter.consume('someone').then(
    () => assert.fail('the 4th point is over the limit'),
    (rejection: unknown) => rejection,
  );
  assert.ok(refused instanceof RateLimiterRes);
  assert.equal(refused.consumedPoints, 4);
  assert.ok(refused.msBeforeNext > 59_000 && refused.msBeforeNext <= 60_000, String(refused.msBeforeNext));
  await limiter.reward('someone', 2);
  assert.equal((await limiter.consume('someone')).consumedPoints, 3);
  assert.equal((await limiter.get('someone'))?.consumedPoints, 3);
  // Keys are counted apart.
  assert.equal((await limiter.consume('someone else')).consumedPoints, 1);
  assert.equal(await limiter.get('nobody'), null);
});

test('every key is counted in the compact store, and the windows that ended are swept', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const limiter = new CompactRateLimiterMemory({ keyPrefix: 'test', points: 5, duration: 60 });
  for (let i = 0; i < 1000; i++) await limiter.consume(`recipient-${i}`);
  assert.equal(limiter.store.size, 1000, "counted here, not in the library's own store (a record and a timer a key)");

  t.mock.timers.tick(61_000);
  // Every window has ended. Counted again, a key starts a fresh window, which ends last of all.
  assert.equal((await limiter.consume('recipient-0')).consumedPoints, 1);
  assert.equal(await limiter.get('recipient-2'), null, 'an ended window reads as none');
  limiter.store.sweep(Date.now());
  assert.equal(limiter.store.size, 1, 'the 999 ended windows are gone; the running one stays');
  assert.equal((await limiter.consume('recipient-0')).consumedPoints, 2);

  t.mock.timers.tick(60_000);
  limiter.store.sweep(Date.now());
  assert.equal(limiter.store.size, 0);
});
