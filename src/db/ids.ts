import { v7 } from 'uuid';

/**
 * A new row's primary key: a UUIDv7 (RFC 9562), whose first 48 bits are the time in milliseconds.
 * New keys sort after the existing ones, so an insert touches the last page of each key index
 * instead of a random page: with random (v4) keys, every insert in a group commit dirtied a page
 * of its own in each key index, and each of those pages went to the WAL. The time it reveals is the
 * row's `created_at`, which the API shows anyway; nothing relies on ids being unguessable (tokens
 * are separate secrets). Organizations and roles keep random v4 ids: the documents Tessera
 * implements promise v4 UUIDs for them (a users-v1 client must send a v4 `roleId`).
 */
export function newId(): string {
  return v7();
}
