import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { asUniqueViolation } from '../../src/db/dialect.js';
import { insertWithRandomNumericId, MAX_NUMERIC_ID, newId, randomNumericId } from '../../src/db/ids.js';
import { insertOrganization } from '../../src/modules/organizations/organization.repository.js';
import { insertUser } from '../../src/modules/users/user.repository.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.js';

/** Draws these numbers in turn: the test chooses which draw collides. */
function drawing(...numbers: number[]): () => number {
  let next = 0;
  return () => {
    assert.ok(next < numbers.length, 'more draws than the test planned');
    return numbers[next++]!;
  };
}

const user = (email: string) => {
  const now = new Date().toISOString();
  return {
    id: newId(),
    email,
    email_canonical: email.toLowerCase(),
    first_name: null,
    last_name: null,
    password_hash: null,
    created_at: now,
    updated_at: now,
  };
};

const organization = (slug: string) => {
  const now = new Date().toISOString();
  return { id: randomUUID(), name: slug, slug, main_user_id: null, created_at: now, updated_at: now };
};

test('randomNumericId: integers in [1, 2^31 - 1], spread over the whole range', () => {
  const draws = Array.from({ length: 10_000 }, () => randomNumericId());
  assert.ok(draws.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NUMERIC_ID));
  // Each half of the range and each of the 31 bits turns up: a miss has odds of 2^-10000.
  assert.ok(draws.some((n) => n < 2 ** 30) && draws.some((n) => n >= 2 ** 30));
  for (let bit = 0; bit < 31; bit++)
    assert.ok(
      draws.some((n) => (n & (2 ** bit)) !== 0),
      `bit ${bit}`,
    );
  // 10,000 draws from 2^31 repeat a number with a probability of about 2%: a handful of repeats
  // would be a broken source, one is bad luck.
  assert.ok(new Set(draws).size >= draws.length - 3);
});

test('insertWithRandomNumericId gives up after a bounded number of collisions instead of looping', async () => {
  let draws = 0;
  await assert.rejects(
    insertWithRandomNumericId(
      async () => undefined,
      () => ++draws,
    ),
    /No free numeric_id/,
  );
  assert.equal(draws, 32);
});

for (const dialect of DIALECTS) {
  describe(`random numeric ids [${dialect}]`, () => {
    let database: TestDatabase;

    before(async () => {
      database = await createTestDatabase(dialect);
    });
    after(() => database.drop());

    test('a colliding numeric_id is drawn again, and the transaction around the insert goes on', async () => {
      const db = database.handle.db;
      const taken = await insertUser(db, user('first@example.com'), drawing(1_000_001));
      const takenOrganization = await insertOrganization(db, organization('first-org'), drawing(2_000_001));
      assert.equal(taken.numeric_id, 1_000_001, 'an explicit value goes into the identity column');
      assert.equal(takenOrganization.numeric_id, 2_000_001);

      const { second, secondOrganization, count } = await db.transaction().execute(async (trx) => {
        const second = await insertUser(trx, user('second@example.com'), drawing(1_000_001, 1_000_001, 1_000_002));
        const secondOrganization = await insertOrganization(
          trx,
          organization('second-org'),
          drawing(2_000_001, 2_000_002),
        );
        // On PostgreSQL a failed statement would have aborted the transaction: this would then throw.
        const count = await trx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return { second, secondOrganization, count: Number(count.n) };
      });
      assert.equal(second.numeric_id, 1_000_002);
      assert.equal(second.email, 'second@example.com');
      assert.equal(secondOrganization.numeric_id, 2_000_002);
      assert.equal(count, 2);
      const stored = await db.selectFrom('users').select(['email', 'numeric_id']).orderBy('email').execute();
      assert.deepEqual(stored, [
        { email: 'first@example.com', numeric_id: 1_000_001 },
        { email: 'second@example.com', numeric_id: 1_000_002 },
      ]);
    });

    test('a taken email or slug still throws its unique violation, whether or not the number collides too', async () => {
      const db = database.handle.db;
      for (const draws of [[3_000_001], [1_000_001, 3_000_002]]) {
        await assert.rejects(
          insertUser(db, user('FIRST@example.com'), drawing(...draws)),
          (error) => asUniqueViolation(error) !== undefined,
        );
        await assert.rejects(
          insertOrganization(db, organization('first-org'), drawing(...draws)),
          (error) => asUniqueViolation(error) !== undefined,
        );
      }
      // The caller's retry (acceptInvitation) catches the violation outside the failed transaction.
      await assert.rejects(
        db.transaction().execute((trx) => insertUser(trx, user('first@example.com'), drawing(3_000_003))),
        (error) => asUniqueViolation(error) !== undefined,
      );
      assert.equal((await db.selectFrom('users').select('id').execute()).length, 2);
    });

    test('without a chosen draw, rows get numbers from the CSPRNG, not the identity sequence', async () => {
      const db = database.handle.db;
      const rows = [];
      for (let i = 0; i < 5; i++) rows.push(await insertUser(db, user(`random-${i}@example.com`)));
      const numbers = rows.map((row) => row.numeric_id);
      assert.ok(numbers.every((n) => n >= 1 && n <= MAX_NUMERIC_ID));
      // A sequence gives consecutive numbers; five random ones all within 10,000 of each other have
      // odds below 10^-20.
      assert.ok(Math.max(...numbers) - Math.min(...numbers) > 10_000, numbers.join(', '));
    });
  });
}
