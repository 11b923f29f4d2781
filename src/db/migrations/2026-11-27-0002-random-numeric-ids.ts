import type { Kysely } from 'kysely';

// Being written (random numeric ids for users and organizations).
export async function up(_db: Kysely<any>): Promise<void> {}
export async function down(_db: Kysely<any>): Promise<void> {}
