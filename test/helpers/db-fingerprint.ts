import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';
import type { DialectName } from '../../src/db/dialect.js';

/**
 * What a write would change, for every table of the database: its row count, and for each column
 * that a write sets or clears, how many rows have a value and (for timestamps) the latest one. Two
 * equal fingerprints mean nothing was inserted, deleted, updated with a new timestamp, or had a
 * nullable column set or cleared. Cheap enough to take around every request of a fuzz run.
 */
export type Fingerprint = Record<string, string>;

export interface Fingerprinter {
  take(): Promise<Fingerprint>;
}

interface ColumnInfo {
  table: string;
  column: string;
  nullable: boolean;
}

/** Every column of every table of the current database (PostgreSQL: the current schema). */
async function listColumns(db: Kysely<Database>, dialect: DialectName): Promise<ColumnInfo[]> {
  if (dialect === 'postgres') {
    const result = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
      select table_name, column_name, is_nullable from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
    return result.rows.map((row) => ({
      table: row.table_name,
      column: row.column_name,
      nullable: row.is_nullable === 'YES',
    }));
  }
  const result = await sql<{ table_name: string; column_name: string; notnull: number }>`
    select m.name as table_name, c.name as column_name, c."notnull" as "notnull"
    from sqlite_master m join pragma_table_info(m.name) c
    where m.type = 'table' and m.name not like 'sqlite_%' order by m.name, c.cid`.execute(db);
  return result.rows.map((row) => ({ table: row.table_name, column: row.column_name, nullable: row.notnull === 0 }));
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * One statement, one subquery per table returning its figures as a JSON array, so that a
 * fingerprint costs one round trip and little planning on either database.
 */
function fingerprintQuery(columns: ColumnInfo[], dialect: DialectName): { text: string; labels: string[][] } {
  const jsonArray = dialect === 'postgres' ? 'json_build_array' : 'json_array';
  const parts: string[] = [];
  const labels: string[][] = [];
  const tables = [...new Set(columns.map((column) => column.table))];
  for (const table of tables) {
    const figures = ['count(*)'];
    const names = [`${table}: rows`];
    for (const { column, nullable } of columns.filter((c) => c.table === table)) {
      if (column.endsWith('_at')) {
        figures.push(`max(${quote(column)})`);
        names.push(`${table}.${column}: latest`);
      }
      if (nullable) {
        figures.push(`count(${quote(column)})`);
        names.push(`${table}.${column}: set`);
      }
    }
    parts.push(`(select ${jsonArray}(${figures.join(', ')}) from ${quote(table)}) as t${parts.length}`);
    labels.push(names);
  }
  return { text: `select ${parts.join(', ')}`, labels };
}

function asText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Reads the tables once; the fingerprint then follows tables added later only if made again. */
export async function createFingerprinter(db: Kysely<Database>, dialect: DialectName): Promise<Fingerprinter> {
  const { text, labels } = fingerprintQuery(await listColumns(db, dialect), dialect);
  const query = sql.raw<Record<string, unknown>>(text);
  return {
    async take() {
      const { rows } = await query.execute(db);
      const row = rows[0]!;
      const fingerprint: Fingerprint = {};
      labels.forEach((names, index) => {
        // PostgreSQL's driver parses JSON; SQLite returns its text.
        const raw = row[`t${index}`];
        const figures = (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[];
        names.forEach((name, position) => {
          fingerprint[name] = asText(figures[position]);
        });
      });
      return fingerprint;
    },
  };
}

/** The entries that differ, as `label: before → after`; empty when nothing was written. */
export function fingerprintChanges(before: Fingerprint, after: Fingerprint): string[] {
  const labels = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...labels]
    .filter((label) => before[label] !== after[label])
    .map((label) => `${label}: ${before[label]} → ${after[label]}`);
}
