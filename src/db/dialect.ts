import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * The few places where SQLite and PostgreSQL differ, in one file. Everything else is plain Kysely.
 */
export type DialectName = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: takes any schema's database, the migrations' Kysely<any> included
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export interface DialectTypes {
  uuid: 'uuid' | 'text';
  timestamp: 'timestamptz' | 'text';
}

export function columnTypes(dialect: DialectName): DialectTypes {
  return dialect === 'postgres' ? { uuid: 'uuid', timestamp: 'timestamptz' } : { uuid: 'text', timestamp: 'text' };
}

export interface UniqueViolation {
  /** The constraint or index name on PostgreSQL; the column list on SQLite. */
  constraint: string;
}

/** Recognizes a unique-constraint error from either driver (pg 23505, SQLITE_CONSTRAINT_UNIQUE). */
export function asUniqueViolation(error: unknown): UniqueViolation | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (code === '23505') return { constraint: typeof constraint === 'string' ? constraint : '' };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const columns = typeof message === 'string' ? message.replace(/^UNIQUE constraint failed: /, '') : '';
    return { constraint: columns };
  }
  return undefined;
}
