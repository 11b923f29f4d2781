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
 * are separate secrets). Organizations and roles keep random v4 ids: the documents Tessera
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
