import { CompiledQuery, type Kysely } from 'kysely';
import type { Database, Executor } from './database.js';
import type { DialectName } from './dialect.js';

/**
 * A unit of work. It must do all of its database work through `trx`: on SQLite the group holds the
 * one connection while it runs, so a query through the shared handle would wait forever.
 */
export type TransactionWork<T> = (trx: Executor) => Promise<T>;

/** Runs a unit of work in a transaction of its own, or (on SQLite) in a shared one. */
export type Transact = <T>(work: TransactionWork<T>) => Promise<T>;

const MAX_BATCH = 64;

// Run for every unit of work: compiled once.
const BEGIN = CompiledQuery.raw('begin immediate');
const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release unit');
const ROLLBACK_UNIT = CompiledQuery.raw('rollback to unit');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

interface Queued {
  work: TransactionWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. SQLite has one writer and one connection here, so concurrent write
 * transactions wait for each other anyway; committing each one separately costs a WAL write per
 * request. Instead, the transactions that queued up while the previous group ran share one
 * `BEGIN IMMEDIATE … COMMIT`, each inside a savepoint of its own: one that fails is rolled back
 * alone. Nobody is answered before the commit that holds their work, so nothing acknowledged is
 * lost.
 */
export class SqliteWriteBatcher {
  private readonly queue: Queued[] = [];
  private draining = false;

  constructor(private readonly db: Kysely<Database>) {}

  readonly run: Transact = <T>(work: TransactionWork<T>) =>
    new Promise<T>((resolve, reject) => {
      this.queue.push({ work: work as TransactionWork<unknown>, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // One turn of the event loop: requests in flight reach this queue and share the commit.
        setImmediate(() => void this.drain());
      }
    });

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.runGroup(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.draining = false;
    }
  }

  private async runGroup(group: Queued[]): Promise<void> {
    const outcomes: Array<() => void> = [];
    try {
      await this.db.connection().execute(async (connection) => {
        await connection.executeQuery(BEGIN);
        try {
          for (const item of group) {
            await connection.executeQuery(SAVEPOINT);
            try {
              const value = await item.work(connection);
              await connection.executeQuery(RELEASE);
              outcomes.push(() => item.resolve(value));
            } catch (error) {
              await connection.executeQuery(ROLLBACK_UNIT);
              await connection.executeQuery(RELEASE);
              outcomes.push(() => item.reject(error));
            }
          }
          await connection.executeQuery(COMMIT);
        } catch (error) {
          await connection.executeQuery(ROLLBACK).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      // The group could not commit: none of its work happened.
      for (const item of group) item.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  }
}

export function createTransact(db: Kysely<Database>, dialect: DialectName): Transact {
  if (dialect === 'sqlite') return new SqliteWriteBatcher(db).run;
  return (work) => db.transaction().execute(work);
}
