import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { asUniqueViolation } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { MAX_NUMERIC_ID } from '../../src/db/ids.js';
import { createOrganization } from '../../src/modules/organizations/organization.service.js';
import { loadConfig } from '../../src/config.js';
import { createServiceDeps } from '../../src/deps.js';
import { TestClock } from '../helpers/test-clock.js';
import { createEmptyDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.js';

const TABLES = [
  'organizations',
  'roles',
  'users',
  'memberships',
  'api_clients',
  'sessions',
  'invitations',
  'outbox',
  'signing_keys',
];

for (const dialect of DIALECTS) {
  describe(`migrations [${dialect}]`, () => {
    let database: TestDatabase;

    before(async () => {
      database = await createEmptyDatabase(dialect);
    });
    after(() => database.drop());

    test('run from an empty database, then have nothing left to do', async () => {
      const applied = await migrateToLatest(database.handle.db);
      assert.deepEqual(applied, Object.keys(migrations));
      const tables = (await database.handle.db.introspection.getTables()).map((table) => table.name);
      for (const table of TABLES) assert.ok(tables.includes(table), `table ${table} exists`);
      assert.deepEqual(await migrateToLatest(database.handle.db), []);
    });

    test('the database holds one PENDING invitation per organization and canonical email', async () => {
      const db = database.handle.db;
      const config = loadConfig({ DATABASE_URL: database.url });
      const deps = await createServiceDeps(config, database.handle, new TestClock());
      const { organization, roles } = await createOrganization(deps, { name: 'Constraint Check' });
      const now = new Date().toISOString();
      const invitation = (email: string, status: 'PENDING' | 'REVOKED') => ({
        id: randomUUID(),
        organization_id: organization.id,
        email,
        email_canonical: email.toLowerCase(),
        role_id: roles[0]!.id,
        status,
        token_hash: randomUUID(),
        expires_at: now,
        created_at: now,
        updated_at: now,
        send_count: 0,
      });
      await db.insertInto('invitations').values(invitation('Ann@Example.com', 'PENDING')).execute();
      // Final invitations do not hold the slot.
      await db.insertInto('invitations').values(invitation('ann@example.com', 'REVOKED')).execute();
      await db.insertInto('invitations').values(invitation('ANN@example.com', 'REVOKED')).execute();
      await assert.rejects(
        db.insertInto('invitations').values(invitation('ann@EXAMPLE.com', 'PENDING')).execute(),
        (error) => asUniqueViolation(error) !== undefined,
      );
    });

    test('random numeric ids: users and organizations numbered by the sequence get random numbers, and nothing else changes', async () => {
      const older = await createEmptyDatabase(dialect);
      try {
        const db = older.handle.db;
        // The schema as it was just before this migration, with the bookkeeping migrateToLatest uses.
        const names = Object.keys(migrations);
        const before = names[names.indexOf('2026-11-27-0002-random-numeric-ids') - 1]!;
        const migrator = new Migrator({
          db,
          provider: { getMigrations: async () => migrations },
          migrationTableName: 'tessera_migrations',
          migrationLockTableName: 'tessera_migrations_lock',
          ...(dialect === 'postgres'
            ? {
                migrationTableSchema: (await sql<{ schema: string }>`select current_schema() as schema`.execute(db))
                  .rows[0]!.schema,
              }
            : {}),
        });
        const { error } = await migrator.migrateTo(before);
        assert.ifError(error);

        // Rows as the identity column numbered them, created one after the other.
        const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
        const users = Array.from({ length: 12 }, (_, i) => ({
          id: randomUUID(),
          email: `User${i}@Example.com`,
          email_canonical: `user${i}@example.com`,
          first_name: `First ${i}`,
          last_name: null,
          password_hash: i % 2 ? `hash-${i}` : null,
          email_verified_at: i % 3 ? at(i) : null,
          created_at: at(i),
          updated_at: at(i + 100),
        }));
        for (const user of users) await db.insertInto('users').values(user).execute();
        const organizations = Array.from({ length: 6 }, (_, i) => ({
          id: randomUUID(),
          name: `Org ${i}`,
          slug: `org-${i}`,
          main_user_id: users[i]!.id,
          created_at: at(i),
          updated_at: at(i),
        }));
        for (const organization of organizations) {
          await db.insertInto('organizations').values(organization).execute();
          const role = {
            id: randomUUID(),
            organization_id: organization.id,
            name: 'Member',
            name_canonical: 'member',
            description: '',
            permissions: '[]',
            builtin: 'MEMBER',
            created_at: at(0),
            updated_at: at(0),
          };
          await db.insertInto('roles').values(role).execute();
          for (const user of users.slice(0, 4)) {
            const membership = {
              id: randomUUID(),
              organization_id: organization.id,
              user_id: user.id,
              role_id: role.id,
              scope: 1,
              permissions: '{}',
              metadata: null,
              status: 'ACTIVE' as const,
              created_at: at(0),
              updated_at: at(0),
              deleted_at: null,
            };
            await db.insertInto('memberships').values(membership).execute();
          }
        }
        const read = async () => ({
          users: await db.selectFrom('users').selectAll().orderBy('created_at').execute(),
          organizations: await db.selectFrom('organizations').selectAll().orderBy('created_at').execute(),
          memberships: await db.selectFrom('memberships').selectAll().orderBy('id').execute(),
        });
        const old = await read();
        assert.deepEqual(
          old.users.map((user) => user.numeric_id),
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
          'the sequence numbered them',
        );
        assert.deepEqual(
          old.organizations.map((organization) => organization.numeric_id),
          [1, 2, 3, 4, 5, 6],
        );

        assert.deepEqual(await migrateToLatest(db), names.slice(names.indexOf(before) + 1));

        const renumbered = await read();
        const withoutNumber = <T extends { numeric_id: number }>({ numeric_id: _, ...rest }: T) => rest;
        // Later migrations add columns (an organization's brand, locale and time zone): compared are
        // the columns the rows had.
        const asBefore = <T extends object>(rows: T[], earlier: object[]) =>
          rows.map((row) => Object.fromEntries(Object.keys(earlier[0]!).map((key) => [key, row[key as keyof T]])));
        assert.deepEqual(renumbered.users.map(withoutNumber), old.users.map(withoutNumber));
        assert.deepEqual(
          asBefore(renumbered.organizations, old.organizations).map(({ numeric_id: _, ...rest }) => rest),
          old.organizations.map(withoutNumber),
        );
        assert.deepEqual(renumbered.memberships, old.memberships);
        for (const rows of [renumbered.users, renumbered.organizations]) {
          const numbers = rows.map((row) => row.numeric_id);
          assert.ok(
            numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NUMERIC_ID),
            numbers.join(', '),
          );
          assert.equal(new Set(numbers).size, numbers.length);
          // Random 31-bit numbers: all within 2^20 of each other with odds below 10^-15 (for 6 of them;
          // far less for 12), where the sequence put them all within 12.
          assert.ok(Math.max(...numbers) - Math.min(...numbers) > 2 ** 20, numbers.join(', '));
        }
        // In the order the users were created the numbers no longer climb: 12 random numbers come out
        // in increasing order once in 12! (about 5 * 10^8) runs.
        const userNumbers = renumbered.users.map((user) => user.numeric_id);
        assert.ok(
          userNumbers.some((n, i) => i > 0 && n < userNumbers[i - 1]!),
          userNumbers.join(', '),
        );
        // The memberships still reach their users and organizations (by UUID: nothing refers to numeric_id).
        const joined = await db
          .selectFrom('memberships')
          .innerJoin('users', 'users.id', 'memberships.user_id')
          .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
          .select('memberships.id')
          .execute();
        assert.equal(joined.length, 24);
      } finally {
        await older.drop();
      }
    });
  });
}
