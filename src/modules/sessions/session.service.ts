import { randomToken, sha256, verifyAgainstDecoy, verifySecret } from '../../auth/secrets.js';
import { addSeconds } from '../../clock.js';
import type { Executor } from '../../db/database.js';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { checkEmail, isEmailProblem } from '../users/email.js';
import { findUserByCanonicalEmail, lockUser, type UserRow } from '../users/user.repository.js';
import { toPublicUser, type PublicUser } from '../users/user.service.js';
import { findLiveSession, insertSession } from './session.repository.js';

export const SESSION_TOKEN_PREFIX = 'ses_';

export interface NewSession {
  /** Shown once; only its SHA-256 is stored. */
  token: string;
  expiresAt: string;
  user: PublicUser;
}

/**
 * Opens a session for a user already known to be who they say (password checked, or invitation
 * accepted). A session of an account whose password is provisional reaches only the organization
 * that password was set for.
 */
export async function openSession(
  db: Executor,
  deps: Pick<ServiceDeps, 'clock' | 'config'>,
  user: Pick<UserRow, 'id' | 'numeric_id' | 'email' | 'first_name' | 'last_name' | 'password_organization_id'>,
  /** How far the session reaches: by default as far as the account's password does. */
  organizationScope: string | null = user.password_organization_id,
): Promise<NewSession & { id: string }> {
  const token = randomToken(SESSION_TOKEN_PREFIX);
  const now = deps.clock.now();
  const expiresAt = addSeconds(now, deps.config.sessionTtlHours * 3600).toISOString();
  const id = newId();
  await insertSession(db, {
    id,
    token_hash: sha256(token),
    user_id: user.id,
    organization_id: organizationScope,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
  });
  return { id, token, expiresAt, user: toPublicUser(user) };
}

/** Email and password sign-in. Every failure looks the same and takes the same time. */
export async function signIn(deps: ServiceDeps, email: string, password: string): Promise<NewSession> {
  const checked = checkEmail(email);
  const user = isEmailProblem(checked) ? undefined : await findUserByCanonicalEmail(deps.db, checked.canonical);
  const valid = user?.password_hash
    ? await verifySecret(password, user.password_hash)
    : await verifyAgainstDecoy(password);
  if (!user || !valid) throw new AppError('INVALID_CREDENTIALS');
  // Checking took a while (scrypt): the session opens only if the password is still the one checked,
  // so a password replaced meanwhile (and the sessions it ended) leaves none behind.
  return deps.transact(async (trx) => {
    const current = await lockUser(trx, { id: user.id });
    if (
      !current ||
      current.password_hash !== user.password_hash ||
      current.password_organization_id !== user.password_organization_id
    ) {
      throw new AppError('INVALID_CREDENTIALS');
    }
    const { id: _id, ...session } = await openSession(trx, deps, current);
    return session;
  });
}

export interface SessionPrincipal {
  sessionId: string;
  userId: string;
  email: string;
  /** Null: the session reaches every organization of the user. Set: only this one (a provisional password's). */
  organizationScope: string | null;
}

export async function resolveSession(deps: ServiceDeps, token: string): Promise<SessionPrincipal | undefined> {
  if (!token.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
  const row = await findLiveSession(deps.db, sha256(token), deps.clock.now().toISOString());
  return row
    ? { sessionId: row.session_id, userId: row.user_id, email: row.email, organizationScope: row.organization_id }
    : undefined;
}

/** Whether a signed-in user's session may act in this organization. */
export function sessionReaches(session: Pick<SessionPrincipal, 'organizationScope'>, organizationId: string): boolean {
  return session.organizationScope === null || session.organizationScope === organizationId;
}
