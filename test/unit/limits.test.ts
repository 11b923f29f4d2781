import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config.values.js';
import { AppError } from '../../src/http/errors.js';
import { clientAddressKey } from '../../src/limits/client-address.js';
import { createLimits } from '../../src/limits/limits.js';
import { PendingInvitationsCap } from '../../src/limits/pending-cap.js';
import { TestClock } from '../helpers/test-clock.js';

const client = 'client:cli_a';

/** A pending-count stand-in that says how often it was asked: the real one is a database COUNT. */
function countingStub(pending: () => number) {
  const stub = {
    calls: 0,
    count: async () => {
      stub.calls++;
      return pending();
    },
  };
  return stub;
}

describe('limits: client addresses', () => {
  test('IPv4 as it is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    assert.equal(clientAddressKey('192.0.2.1'), '192.0.2.1');
    assert.equal(clientAddressKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(clientAddressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.equal(clientAddressKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(clientAddressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientAddressKey('::1'), '0:0:0:0::/64');
    assert.equal(clientAddressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientAddressKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  });
});

describe('limits: the pending-invitations cap', () => {
  test('far from the cap, one COUNT serves many requests for a minute; then the organization is counted again', async () => {
    const clock = new TestClock();
    const stub = countingStub(() => 100);
    const cap = new PendingInvitationsCap(10_000, stub.count, clock);
    for (let i = 0; i < 50; i++) {
      assert.equal(await cap.reserve('org', 1, true), 1);
      cap.release('org', 1, 1);
    }
    assert.equal(stub.calls, 1);
    clock.advance(61);
    await cap.reserve('org', 1, true);
    assert.equal(stub.calls, 2);
  });

  test('within 10% of the cap, every request counts; all or nothing refuses what does not fit whole, otherwise what fits is granted', async () => {
    const clock = new TestClock();
    let pending = 8_990;
    const stub = countingStub(() => pending);
    const cap = new PendingInvitationsCap(10_000, stub.count, clock);
    assert.equal(await cap.reserve('org', 10, true), 10);
    cap.release('org', 10, 10);
    assert.equal(stub.calls, 1);
    pending = 9_990;
    assert.equal(await cap.reserve('org', 20, true), 0);
    assert.equal(await cap.reserve('org', 20, false), 10);
    assert.ok(stub.calls >= 3);
    // What is admitted but not yet written holds its place against concurrent requests.
    assert.equal(await cap.reserve('org', 1, false), 0);
    cap.release('org', 10, 0);
    assert.equal(await cap.reserve('org', 1, false), 1);
  });

  test('concurrent requests that need a count share one query', async () => {
    const stub = countingStub(() => 10);
    const cap = new PendingInvitationsCap(10_000, stub.count, new TestClock());
    const granted = await Promise.all(Array.from({ length: 16 }, () => cap.reserve('org', 1, true)));
    assert.deepEqual(granted, new Array(16).fill(1));
    assert.equal(stub.calls, 1);
  });

  test('a cap of 0 is no cap, and never counts', async () => {
    const stub = countingStub(() => 1_000_000);
    const cap = new PendingInvitationsCap(0, stub.count, new TestClock());
    assert.equal(await cap.reserve('org', 1000, true), 1000);
    assert.equal(stub.calls, 0);
  });
});

describe('limits: invitation admission (in memory)', () => {
  function limitsWith(env: Record<string, string>, pending = () => 0) {
    const stub = countingStub(pending);
    return { stub, limits: createLimits(loadConfig(env), { countPending: stub.count, clock: new TestClock() }) };
  }
  const recipients = (count: number) => Array.from({ length: count }, (_, i) => `r${i}@example.com`);

  test('all or nothing: a request that does not fit is refused whole with Retry-After, and counts nothing', async () => {
    const { limits } = limitsWith({
      RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '10',
      RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: '0',
    });
    const refusal = await limits.invitations
      .admit({ organizationId: 'org-a', inviterKey: client, emailRecipients: recipients(11), atomic: true })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(refusal instanceof AppError);
    assert.equal(refusal.code, 'RATE_LIMITED');
    assert.match(refusal.headers!['retry-after']!, /^\d+$/);
    const admission = await limits.invitations.admit({
      organizationId: 'org-a',
      inviterKey: client,
      emailRecipients: recipients(10),
      atomic: true,
    });
    assert.equal(admission.admitted, 10);
  });

  test('item by item: the first that fit are admitted; given back when not written', async () => {
    const { limits } = limitsWith({
      RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '0',
      RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: '5',
    });
    const first = await limits.invitations.admit({
      organizationId: 'org-a',
      inviterKey: client,
      emailRecipients: recipients(8),
      atomic: false,
    });
    assert.equal(first.admitted, 5);
    assert.equal(first.refusal?.code, 'RATE_LIMITED');
    first.settle(['r0@example.com', 'r1@example.com']);
    await new Promise((resolve) => setImmediate(resolve));
    const second = await limits.invitations.admit({
      organizationId: 'org-a',
      inviterKey: client,
      emailRecipients: recipients(8),
      atomic: false,
    });
    assert.equal(second.admitted, 3);
  });

  test('recipients over their daily limit are marked for suppression, and only they', async () => {
    const { limits } = limitsWith({ RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY: '1' });
    await limits.invitations.admit({
      organizationId: 'a',
      inviterKey: client,
      emailRecipients: ['x@example.com'],
      atomic: true,
    });
    const once = await limits.invitations.admit({
      organizationId: 'b',
      inviterKey: client,
      emailRecipients: ['x@example.com', 'y@example.com', null],
      atomic: true,
    });
    assert.equal(once.admitted, 3);
    assert.equal(once.isSuppressed('x@example.com'), true);
    assert.equal(once.isSuppressed('y@example.com'), false);
  });

  test("a resend's email that was counted but not queued is given back to the recipient's budget", async () => {
    const { limits } = limitsWith({ RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY: '1' });
    assert.equal(await limits.invitations.isRecipientOverLimit('r@example.com'), false);
    limits.invitations.giveBackRecipientEmail('r@example.com');
    assert.equal(await limits.invitations.isRecipientOverLimit('r@example.com'), false, 'the budget was given back');
    assert.equal(await limits.invitations.isRecipientOverLimit('r@example.com'), true, 'and is spent again');
  });

  test('every limit at 0: admitted without counting anything', async () => {
    const { limits, stub } = limitsWith({
      RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '0',
      RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: '0',
      RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY: '0',
      PENDING_INVITATIONS_MAX_PER_ORG: '0',
    });
    const admission = await limits.invitations.admit({
      organizationId: 'a',
      inviterKey: client,
      emailRecipients: recipients(1000),
      atomic: true,
    });
    assert.equal(admission.admitted, 1000);
    assert.equal(stub.calls, 0);
  });
});

describe('limits: configuration', () => {
  test('defaults: organization 1,000 an hour, inviter 500, recipient 5 a day, token 60, sign-in 20 and accept 30 a minute, 10,000 pending; no proxy trusted; no Redis', () => {
    const config = loadConfig({});
    assert.deepEqual(config.limits, {
      orgInvitationsPerHour: 1000,
      inviterInvitationsPerHour: 500,
      recipientEmailsPerDay: 5,
      tokenAttemptsPerMinute: 60,
      signInAttemptsPerMinute: 20,
      acceptAttemptsPerMinute: 30,
      pendingInvitationsPerOrg: 10_000,
    });
    assert.equal(config.trustProxy, false);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.redisKeyPrefix, 'tessera');
  });

  test('TRUST_PROXY: true, false, or proxy addresses and ranges; anything else stops the start', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.1, ::1, loopback' }).trustProxy, [
      '10.0.0.0/8',
      '192.0.2.1',
      '::1',
      'loopback',
    ]);
    for (const value of ['yes', '2', '10.0.0.0/33', '300.1.1.1', 'example.com']) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: value }),
        (error: unknown) => error instanceof ConfigError && /TRUST_PROXY must be/.test(error.message),
      );
    }
  });

  test('REDIS_URL must be redis:// or rediss:// with a host, and is not echoed; limits are integers from 0', () => {
    assert.equal(
      loadConfig({ REDIS_URL: 'rediss://:secret@cache.internal:6380/1' }).redisUrl,
      'rediss://:secret@cache.internal:6380/1',
    );
    assert.throws(
      () => loadConfig({ REDIS_URL: 'http://:hunter2@cache' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /REDIS_URL must be a redis:\/\//.test(error.message) &&
        !/hunter2/.test(error.message),
    );
    assert.throws(() => loadConfig({ REDIS_URL: 'redis://' }), /REDIS_URL must be a redis:\/\//);
    assert.throws(
      () => loadConfig({ RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE: '-1' }),
      /RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE must be an integer from 0/,
    );
    assert.throws(() => loadConfig({ REDIS_KEY_PREFIX: 'has space' }), /REDIS_KEY_PREFIX must be/);
    assert.equal(loadConfig({ PENDING_INVITATIONS_MAX_PER_ORG: '0' }).limits.pendingInvitationsPerOrg, 0);
  });
});
