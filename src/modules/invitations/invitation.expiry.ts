import type { Executor } from '../../db/database.js';
import type { ServiceDeps } from '../../deps.js';
import { recordChanges, SYSTEM_ACTOR } from '../events/event.service.js';
import { listRoles } from '../roles/role.repository.js';
import { type InvitationRow, transitionPending } from './invitation.repository.js';
import { toInvitation } from './invitation.views.js';

/**
 * An invitation reads as EXPIRED from its `expiresAt` on (see invitation.status.ts); the sweep makes
 * it so in the table too, and says so once: `invitation.expired`. The guarded statement decides who
 * expires a row, so two workers sweeping at once never both emit it.
 */

/** The `invitation.expired` events of rows that have just been moved to EXPIRED. */
export async function recordExpiries(trx: Executor, expired: InvitationRow[], now: string): Promise<void> {
  if (expired.length === 0) return;
  const roleNames = new Map<string, string>();
  for (const organizationId of new Set(expired.map((row) => row.organization_id))) {
    for (const role of await listRoles(trx, organizationId)) roleNames.set(role.id, role.name);
  }
  await recordChanges(
    trx,
    expired.map((row) => ({
      type: 'invitation.expired' as const,
      organizationId: row.organization_id,
      actor: SYSTEM_ACTOR,
      // When it expired, not when the sweep noticed.
      occurredAt: row.expires_at,
      data: toInvitation(row, roleNames.get(row.role_id) ?? '', now),
    })),
  );
}

/** Expires up to `batch` invitations past their expiry, with their events; returns how many. */
export async function sweepExpiredInvitations(deps: ServiceDeps, batch = 500): Promise<number> {
  const now = deps.clock.now().toISOString();
  return deps.transact(async (trx) => {
    const expired = await transitionPending(trx, { expiredBefore: now, limit: batch }, now, { status: 'EXPIRED' });
    await recordExpiries(trx, expired, now);
    return expired.length;
  });
}
