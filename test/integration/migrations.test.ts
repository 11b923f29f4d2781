import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { asUniqueViolation } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
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
  });
}
