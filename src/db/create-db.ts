import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import type pg from 'pg';
import type { DatabaseConfig } from '../config.values.js';
import type { Database } from './database.js';
import type { DialectName } from './dialect.js';

/** Each process loads only its own database's driver (the other one is memory for nothing). */
const require = createRequire(import.meta.url);
const loadPg = () => require('pg') as typeof pg;
const loadSqlite = () => require('better-sqlite3') as typeof SqliteDatabase;

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

/**
 * pg returns `timestamptz` as a Date and `bigint` (count(*)) as a string. Tessera reads both
 * dialects the same way: timestamps as ISO-8601 strings, counts as numbers.
 */
function pgTypes(): pg.CustomTypesConfig {
  const pg = loadPg();
  const parseDate = pg.types.getTypeParser(TIMESTAMPTZ_OID) as (value: string) => Date;
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID) {
        return (value: string) => parseDate(value).toISOString();
      }
      if (oid === INT8_OID) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/**
 * SQLite write transactions take the write lock when they begin (`BEGIN IMMEDIATE`), waiting for
 * it up to busy_timeout. A deferred transaction that reads and then writes can instead fail at
 * once when another process (the CLI, a worker) wrote in between.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly driverConfig: SqliteDialectConfig) {
    super(driverConfig);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.driverConfig);
  }
}

/**
 * Kysely prepares every query's SQL anew; a statement once prepared by better-sqlite3 can be run
 * again with other parameters. Keeping the recent ones saves the parse on every request.
 */
function withStatementCache(database: SqliteDatabase.Database, size = 500): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare: (source: string) => {
      let statement = statements.get(source);
      if (statement) {
        statements.delete(source);
      } else {
        statement = database.prepare(source);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(source, statement);
      return statement as unknown as ReturnType<KyselySqliteDatabase['prepare']>;
    },
  };
}

export const WAL_AUTOCHECKPOINT_PAGES = 4000;
export const WAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;

/** How long a request waits for a PostgreSQL connection (a new one, or a free one from the pool). */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * How much longer than the server's statement timeout the client waits for an answer. The server
 * cancels a slow statement itself and says so; only a server or network that stopped answering
 * leaves the client waiting past this.
 */
export const QUERY_READ_GRACE_MS = 2_000;

const READ_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * pg's client-side query timeout answers the caller but leaves the statement in flight on its
 * connection, and the pool would hand that connection to the next request, to wait behind it. A
 * connection whose answer timed out is ended instead: released, the pool drops it.
 */
function endConnectionsThatTimedOut(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    // Only the text form: the dialect has no cursor class, so Kysely never passes a cursor.
    query: ((text: string, values: readonly unknown[]) =>
      client.query(text, values as unknown[]).catch((error: unknown) => {
        if (error instanceof Error && error.message === READ_TIMEOUT_MESSAGE) client.end().catch(() => undefined);
        throw error;
      })) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  });
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) {
        wrapped = wrap(client);
        clients.set(client, wrapped);
      }
      return wrapped;
    },
    end: () => pool.end(),
  };
}

export function createDb(config: DatabaseConfig): DatabaseHandle {
  if (config.dialect === 'postgres') {
    const pool = new (loadPg().Pool)({
      connectionString: config.url,
      max: config.poolSize,
      types: pgTypes(),
      // A server that is unreachable without refusing (a host down, a partition) would otherwise
      // hold each request for the operating system's TCP timeout, minutes; give up and answer 503.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // A statement waiting on a lock held elsewhere, or running away, is cancelled by the server
      // (SQLSTATE 57014), and a transaction left idle (its request waiting on something else)
      // is ended (25P03): either way the request answers 503 and the locks are let go. The client
      // gives up a little later, for a server that stopped answering altogether.
      ...(config.queryTimeoutMs > 0 && {
        statement_timeout: config.queryTimeoutMs,
        idle_in_transaction_session_timeout: config.queryTimeoutMs,
        query_timeout: config.queryTimeoutMs + QUERY_READ_GRACE_MS,
      }),
    });
    // A client can lose its server (restart, failover) while idle in the pool or while checked out
    // between two queries of a transaction. pg reports it as an 'error' event, which would crash
    // the process where nobody listens; the pool only listens to idle clients. Drop it instead:
    // the client is no longer queryable, its next query fails, and the pool discards it.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: endConnectionsThatTimedOut(pool) }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }

  const inMemory = config.filename === ':memory:';
  if (!inMemory) mkdirSync(dirname(config.filename), { recursive: true });
  const sqlite = new (loadSqlite())(config.filename);
  if (!inMemory) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoint every 4,000 pages (16 MB of WAL) instead of SQLite's 1,000. A checkpoint syncs the
  // disk on the request path, and a page that many commits rewrote (an index's last page) is
  // copied to the database once per checkpoint: fewer, larger ones cost much less per write. The
  // create benchmark went from about 990 to 1,220 invitations/s; 10,000 pages gained little more
  // and made p99 worse (each checkpoint a longer stall).
  sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  // Once a checkpoint has emptied it, the WAL file shrinks back to this size: disk use stays bounded.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  sqlite.pragma('foreign_keys = ON');
  // The CLI and a running server may share the file; wait for a lock rather than fail.
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
