import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { SessionTable } from './session.table.js';

export function insertSession(db: Executor, session: Insertable<SessionTable>) {
  return db.insertInto('sessions').values(session).returningAll().executeTakeFirstOrThrow();
}

/** A session that is neither revoked nor expired at `now`, with its user. */
export function findLiveSession(db: Executor, tokenHash: string, now: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.expires_at',
      'sessions.organization_id',
      'users.id as user_id',
      'users.email',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function revokeSession(db: Executor, sessionId: string, now: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every live session of a user but `except` (the one just opened, when there is one). */
export async function revokeUserSessions(db: Executor, userId: string, now: string, except?: string): Promise<void> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (except) query = query.where('id', '<>', except);
  await query.execute();
}

/** Whether the session is still live (not revoked, not expired) at `now`. */
export async function isSessionLive(db: Executor, sessionId: string, now: string): Promise<boolean> {
  const row = await db
    .selectFrom('sessions')
    .select('id')
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}
