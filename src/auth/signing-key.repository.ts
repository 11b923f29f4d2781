import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { SigningKeyTable } from './signing-key.table.js';

/** The public JWKs of the keys not retired (the JWK Set). */
export function listLivePublicJwks(db: Executor): Promise<Array<{ public_jwk: string }>> {
  return db.selectFrom('signing_keys').select('public_jwk').where('retired_at', 'is', null).execute();
}

/** The kid and public JWK of every key not retired (the keys that verify). */
export function listLiveVerificationKeys(db: Executor): Promise<Array<{ kid: string; public_jwk: string }>> {
  return db.selectFrom('signing_keys').select(['kid', 'public_jwk']).where('retired_at', 'is', null).execute();
}

/** The private JWK of the newest key not retired (the key that signs), if there is one. */
export function findNewestLivePrivateJwk(db: Executor): Promise<{ private_jwk: string } | undefined> {
  return db
    .selectFrom('signing_keys')
    .select('private_jwk')
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('kid')
    .executeTakeFirst();
}

export async function insertSigningKey(db: Executor, key: Insertable<SigningKeyTable>): Promise<void> {
  await db.insertInto('signing_keys').values(key).execute();
}
