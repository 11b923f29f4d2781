import { randomUUID } from 'node:crypto';
import { v7 } from 'uuid';
import { secureRandomBytes } from '../auth/random-bytes.js';

/** The last id's millisecond and 32-bit counter: ids made within one millisecond count up from a random start. */
const last = { msecs: -Infinity, seq: 0 };

/**
 * A new row's primary key: a UUIDv7 (RFC 9562), whose first 48 bits are the time in milliseconds.
 * New keys sort after the existing ones, so an insert touches the last page of each key index
 * instead of a random page: with random (v4) keys, every insert in a group commit dirtied a page
 * of its own in each key index, and each of those pages went to the WAL. The time it reveals is the
 * row's `created_at`, which the API shows anyway; nothing relies on ids being unguessable (tokens
 * are separate secrets). Users keep random v4 ids (`newUserId`), and so do organizations and roles: the documents Tessera
 * implements promise v4 UUIDs for them (a users-v1 client must send a v4 `roleId`).
 *
 * The random bits come from the pooled CSPRNG bytes: uuid's own source is a `getRandomValues`
 * call, a system call, per id (two per created invitation). The counter is uuid's own scheme
 * (RFC 9562 §6.2, method 1), kept here because uuid keeps it only for the ids it draws itself.
 */
export function newId(): string {
  const random = secureRandomBytes(16);
  const now = Date.now();
  if (now > last.msecs) {
    last.msecs = now;
    last.seq = random.readUInt32BE(6) & 0x7fffffff;
  } else {
    last.seq = (last.seq + 1) | 0;
    if (last.seq === 0) last.msecs++;
  }
  return v7({ msecs: last.msecs, seq: last.seq, random });
}

/** The largest `numeric_id`: the documents' integer ids are 32-bit signed, and PostgreSQL's `integer` too. */
export const MAX_NUMERIC_ID = 2 ** 31 - 1;

/**
 * A new user's or organization's `numeric_id`: uniform in [1, 2^31 - 1], from the CSPRNG. The
 * users-organizations surface shows these numbers to every organization; from a global sequence
 * one would learn how many accounts and organizations exist, and from a user's small number that
 * the address had an account before it was invited. 31 random bits, 0 drawn again.
 */
export function randomNumericId(): number {
  for (;;) {
    const value = secureRandomBytes(4).readUInt32BE(0) & MAX_NUMERIC_ID;
    if (value !== 0) return value;
  }
}

/**
 * Draws before giving up. With a million rows a draw collides once in 2,000; even with half the
 * numbers taken, 32 collisions in a row come once in 2^32 inserts.
 */
const NUMERIC_ID_DRAWS = 32;

/**
 * Inserts a row with a random `numeric_id`, drawing again while the number is taken. `insert`
 * must be `INSERT ... ON CONFLICT (numeric_id) DO NOTHING RETURNING *` and answer undefined when
 * no row came back: a unique violation would abort the caller's transaction on PostgreSQL, so a
 * collision is not caught but avoided. The conflict target is numeric_id only, so any other
 * unique violation (a user's email, an organization's slug) still throws for the caller to handle.
 */
export async function insertWithRandomNumericId<Row>(
  insert: (numericId: number) => Promise<Row | undefined>,
  draw: () => number = randomNumericId,
): Promise<Row> {
  for (let attempt = 0; attempt < NUMERIC_ID_DRAWS; attempt++) {
    const row = await insert(draw());
    if (row !== undefined) return row;
  }
  throw new Error(`No free numeric_id in ${NUMERIC_ID_DRAWS} random draws`);
}

/**
 * A user's id: a random (v4) UUID, not a time-ordered one. Every organization the person joins sees
 * it, and a v7 id's first 48 bits would tell each of them when the account was made, and so that
 * it existed before they invited the address.
 */
export function newUserId(): string {
  return randomUUID();
}
