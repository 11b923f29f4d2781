import { assertPasswordPolicy } from '../../auth/password-policy.js';
import { hashSecret, randomToken, sha256 } from '../../auth/secrets.js';
import { addSeconds } from '../../clock.js';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { insertOutboxMessages } from '../outbox/outbox.repository.js';
import { revokeUserSessions } from '../sessions/session.repository.js';
import { openSession, type NewSession } from '../sessions/session.service.js';
import { checkEmail, isEmailProblem } from '../users/email.js';
import { findUserByCanonicalEmail, lockUser, updateUserCredentials } from '../users/user.repository.js';
import { PASSWORD_SETUP_MINUTES, passwordSetupEmailMessage } from './password-setup.email.js';
import {
  closePasswordSetups,
  countPasswordSetupsSince,
  findOpenPasswordSetup,
  insertPasswordSetup,
  usePasswordSetup,
} from './password-setup.repository.js';

/**
 * Setting a password through a link Tessera emails: the mailbox owner proves the address and
 * chooses the account's own password. It is how an account that has none (an Owner a platform
 * client created) gets one, how a forgotten password is replaced, and how a password someone else
 * chose (a provisional one) gives way. Every other session of the account ends.
 */

/** Setup emails an account may be sent in an hour; past it, requests are answered alike and send nothing. */
export const PASSWORD_SETUPS_PER_HOUR = 3;

/** The one answer to a request, whether or not the address has an account. */
export const PASSWORD_SETUP_REQUESTED = 'If an account uses this address, a link to set its password is on its way.';

/**
 * Emails a setup link to the address's account, if there is one. The caller is told the same
 * either way. Anyone may ask for any address, so asking must cost its owner nothing: earlier links
 * keep working until one is used or they expire, and these emails have a budget of their own
 * (`PASSWORD_SETUPS_PER_HOUR` an account), apart from the invitation emails' daily limit.
 */
export async function requestPasswordSetup(deps: ServiceDeps, email: string): Promise<void> {
  const checked = checkEmail(email);
  if (isEmailProblem(checked)) return;
  const user = await findUserByCanonicalEmail(deps.db, checked.canonical);
  if (!user) return;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const token = randomToken();
  const setupId = newId();
  const message = passwordSetupEmailMessage(deps, { setupId, to: user.email }, token, nowIso);
  const sent = await deps.transact(async (trx) => {
    // Locked, so that concurrent requests count each other's links (PostgreSQL).
    await lockUser(trx, { id: user.id });
    const hourAgo = addSeconds(now, -3600).toISOString();
    if ((await countPasswordSetupsSince(trx, user.id, hourAgo)) >= PASSWORD_SETUPS_PER_HOUR) return false;
    await insertPasswordSetup(trx, {
      id: setupId,
      user_id: user.id,
      token_hash: sha256(token),
      created_at: nowIso,
      expires_at: addSeconds(now, PASSWORD_SETUP_MINUTES * 60).toISOString(),
      used_at: null,
    });
    await insertOutboxMessages(trx, [message]);
    return true;
  });
  if (sent) deps.events.emit('outbox');
}

/** The open setup link with this token; unknown, expired and used links all get the one error. */
async function openPasswordSetup(deps: ServiceDeps, token: string) {
  const setup = token ? await findOpenPasswordSetup(deps.db, sha256(token), deps.clock.now().toISOString()) : undefined;
  if (!setup) throw new AppError('PASSWORD_SETUP_LINK_INVALID');
  return setup;
}

/** The address a setup link is for (the page shows it). */
export async function lookupPasswordSetup(deps: ServiceDeps, token: string): Promise<{ email: string }> {
  return { email: (await openPasswordSetup(deps, token)).email };
}

/**
 * Sets the account's own password through its link (once), proves the address, ends every other
 * session and every other open link, and opens a session that reaches all of the account's organizations.
 */
export async function completePasswordSetup(deps: ServiceDeps, token: string, password: string): Promise<NewSession> {
  const setup = await openPasswordSetup(deps, token);
  assertPasswordPolicy(password);
  const passwordHash = await hashSecret(password);
  return deps.transact(async (trx) => {
    const now = deps.clock.now().toISOString();
    const used = await usePasswordSetup(trx, setup.id, now);
    if (!used) throw new AppError('PASSWORD_SETUP_LINK_INVALID');
    const user = await updateUserCredentials(trx, used.user_id, {
      password_hash: passwordHash,
      password_organization_id: null,
      email_verified_at: now,
      updated_at: now,
    });
    await closePasswordSetups(trx, user.id, now);
    const { id: sessionId, ...session } = await openSession(trx, deps, user);
    await revokeUserSessions(trx, user.id, now, sessionId);
    return session;
  });
}
