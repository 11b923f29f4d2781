import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import type { DatabaseConfig } from '../config.values.js';
import { createDb, type DatabaseHandle } from './create-db.js';
import { dialectOf } from './dialect.js';
import { migrations } from './migrations/index.js';

/** Applies every pending migration, in name order; a failure throws and leaves the rest unapplied. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the schema as it was, not today's Database
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'tessera_migrations',
    migrationLockTableName: 'tessera_migrations_lock',
    // On PostgreSQL, keep the bookkeeping in the schema Tessera runs in: another schema of the same
    // database may hold another Tessera, whose tables must not be mistaken for ours.
    ...(dialectOf(db) === 'postgres' ? { migrationTableSchema: await currentSchema(db) } : {}),
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/**
 * The configured database, migrated to the latest version, for a process to serve from. A
 * migration may rightly run longer than the query timeout allows a request (an index built over
 * a large table): on PostgreSQL, migrations run first, on a connection of their own without it.
 */
export async function openMigratedDatabase(
  config: DatabaseConfig,
): Promise<{ database: DatabaseHandle; applied: string[] }> {
  if (config.dialect === 'postgres' && config.queryTimeoutMs > 0) {
    const migrating = createDb({ ...config, poolSize: 1, queryTimeoutMs: 0 });
    let applied: string[];
    try {
      applied = await migrateToLatest(migrating.db);
    } finally {
      await migrating.close();
    }
    return { database: createDb(config), applied };
  }
  const database = createDb(config);
  try {
    return { database, applied: await migrateToLatest(database.db) };
  } catch (error) {
    await database.close();
    throw error;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as migrateToLatest
async function currentSchema(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}
