import { sql } from 'kysely';
import type { Executor } from './database.js';

/** One round trip to the database: throws when it does not answer (readiness). */
export async function ping(db: Executor): Promise<void> {
  await sql`select 1`.execute(db);
}
