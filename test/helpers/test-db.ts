import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from '../../src/config.values.js';
import { createDb, type DatabaseHandle } from '../../src/db/create-db.js';
import type { DialectName } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/**
 * Every integration test runs once per dialect: SQLite always, PostgreSQL when TEST_POSTGRES_URL
 * is set (`npm test` says loudly when it is not; .ci/run always sets it).
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL;
export const DIALECTS: DialectName[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  dialect: DialectName;
  /** A DATABASE_URL that reaches this database (for CLI and server subprocesses). */
  url: string;
  handle: DatabaseHandle;
  /** Closes the handle and drops the database (PostgreSQL schema, SQLite file). */
  drop(): Promise<void>;
}

/** A fresh, empty database: a temporary SQLite file, or a PostgreSQL schema of its own. */
export async function createEmptyDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
    const url = `sqlite:${join(dir, 'tessera.db')}`;
    const handle = createDb(parseDatabaseUrl(url));
    return {
      dialect,
      url,
      handle,
      drop: async () => {
        await handle.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
  const schema = `tessera_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = withSearchPath(POSTGRES_URL, schema);
  const handle = createDb(parseDatabaseUrl(url, 20));
  return {
    dialect,
    url,
    handle,
    drop: async () => {
      await handle.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** A fresh database with every migration applied. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const database = await createEmptyDatabase(dialect);
  await migrateToLatest(database.handle.db);
  return database;
}
