import type { Clock } from '../../clock.js';
import type { Executor } from '../../db/database.js';
import { newUserId } from '../../db/ids.js';
import { requireEmail } from './email.js';
import { findUserByCanonicalEmail, insertUser, type UserRow } from './user.repository.js';

export interface UserProfile {
  email: string;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  /** Hashed before the transaction opens (scrypt is slow); used only when the user is created. */
  passwordHash?: string | null | undefined;
}

/** Finds the user with this address (compared canonically) or creates one. */
export async function findOrCreateUser(db: Executor, clock: Clock, profile: UserProfile): Promise<UserRow> {
  const checked = requireEmail(profile.email);
  const existing = await findUserByCanonicalEmail(db, checked.canonical);
  if (existing) return existing;
  const now = clock.now().toISOString();
  return insertUser(db, {
    id: newUserId(),
    email: checked.email,
    email_canonical: checked.canonical,
    first_name: profile.firstName ?? null,
    last_name: profile.lastName ?? null,
    password_hash: profile.passwordHash ?? null,
    created_at: now,
    updated_at: now,
  });
}

export interface PublicUser {
  id: string;
  numericId: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
}

export function toPublicUser(
  row: Pick<UserRow, 'id' | 'numeric_id' | 'email' | 'first_name' | 'last_name'>,
): PublicUser {
  return {
    id: row.id,
    numericId: row.numeric_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
  };
}
