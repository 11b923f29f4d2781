import type { OrganizationAccess } from '../../auth/authorize.js';
import type { Principal } from '../../auth/principal.js';
import { hashSecretsInBatchLane } from '../../auth/secrets.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { actorOf, recordChanges } from '../events/event.service.js';
import type { Change } from '../events/event.types.js';
import { findActiveMemberEmails, findLiveMembership, findMemberName } from '../memberships/membership.repository.js';
import { memberView } from '../memberships/membership.service.js';
import { invitationLook } from '../organizations/organization.branding.js';
import { insertOutboxMessages, type OutboxRow } from '../outbox/outbox.repository.js';
import { invitationEmailMessage, invitationLink } from './invitation.email.js';
import { addInvitedMembership, type InvitedMembership } from './invitation.invited-membership.js';
import { type InvitationRequest, type PreparedItem, prepareItem, rolesFor } from './invitation.item.js';
import { recordExpiries } from './invitation.expiry.js';
import { findPendingSlots, insertPendingInvitations, transitionPending } from './invitation.repository.js';
import { displayName, fieldError } from './invitation.rules.js';
import { type Invitation, toInvitation } from './invitation.views.js';

export interface InviteOptions {
  /** All or nothing: one refused item and nothing is written. Otherwise each item stands alone. */
  atomic: boolean;
  /** For API clients: the member to name as the inviter (default: the organization's MAIN user). */
  inviterUserId?: string | undefined;
  /** Some documents allow 250 characters instead of 254. */
  emailMaxLength?: number | undefined;
  /**
   * Also make the person's profile and an INVITED membership, in the same transaction (the
   * users-organizations document); it ends with the invitation (`invitation.invited-membership.ts`).
   */
  invitedMembership?: boolean | undefined;
}

export type InviteResult =
  | {
      ok: true;
      invitation: Invitation;
      acceptUrl?: string | undefined;
      /** With the `invitedMembership` option. */
      invitedMembership?: InvitedMembership | undefined;
    }
  /** `skipped`: the item was fine, but another item refused an all-or-nothing request. */
  | { ok: false; error: AppError; skipped?: boolean };

class Rollback extends Error {}

function alreadyAMember(item: PreparedItem): AppError {
  return fieldError('ALREADY_A_MEMBER', 'email', `${item.row.email} is already a member.`);
}

function alreadyPending(item: PreparedItem): AppError {
  return fieldError('INVITATION_ALREADY_PENDING', 'email', `${item.row.email} already has a pending invitation.`);
}

/** The limits count a user and an API client apart, even with equal ids. */
function inviterKey(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `client:${principal.clientId}`;
}

/**
 * Who the email names as the inviter, and who is recorded as such: by the names and address the
 * organization knows them by (their membership's), never their account's, which another
 * organization may have entered.
 */
async function resolveInviter(
  deps: ServiceDeps,
  access: OrganizationAccess,
  inviterUserId: string | undefined,
): Promise<{ userId: string | null; clientId: string | null; name: string }> {
  const { principal, organization } = access;
  if (principal.kind === 'user') {
    const user = await findMemberName(deps.db, organization.id, principal.userId);
    return { userId: principal.userId, clientId: null, name: user ? displayName(user) : organization.name };
  }
  const userId = inviterUserId ?? organization.main_user_id;
  if (inviterUserId !== undefined) {
    const membership = await findLiveMembership(deps.db, organization.id, inviterUserId);
    if (membership?.status !== 'ACTIVE') {
      throw fieldError('UNKNOWN_INVITER', 'inviterUserId', 'The inviter must be an active member of the organization.');
    }
  }
  const user = userId ? await findMemberName(deps.db, organization.id, userId) : undefined;
  return { userId: user?.id ?? null, clientId: principal.clientId, name: user ? displayName(user) : organization.name };
}

/**
 * Creates invitations: one or a thousand, in one transaction, each with its email queued in the
 * outbox. Validates every item, refuses duplicates within the request, active members and
 * addresses with a PENDING invitation, and lets the database's unique index settle races.
 */
export async function inviteMany(
  deps: ServiceDeps,
  access: OrganizationAccess,
  requests: InvitationRequest[],
  options: InviteOptions,
): Promise<InviteResult[]> {
  const { organization } = access;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const results: InviteResult[] = new Array(requests.length);
  const inviter = await resolveInviter(deps, access, options.inviterUserId);
  const actor = actorOf(access.principal);
  const context = {
    deps,
    access,
    roles: await rolesFor(deps, organization.id, requests),
    inviter,
    emailMaxLength: options.emailMaxLength,
    now,
    seen: new Set<string>(),
  };
  const prepared: PreparedItem[] = [];
  requests.forEach((request, index) => {
    const item = prepareItem(context, request, index);
    if (item instanceof AppError) results[index] = { ok: false, error: item };
    else prepared.push(item);
  });

  const refuseAll = () => options.atomic && results.some((result) => result && !result.ok);
  if (refuseAll() || prepared.length === 0) return fillSkipped(results);

  // The limits (per organization, per inviter, pending cap, per recipient): refused whole when all or
  // nothing, else the first items that fit go on and the others are refused one by one.
  const admission = await deps.limits.invitations.admit({
    organizationId: organization.id,
    inviterKey: inviterKey(access.principal),
    emailRecipients: prepared.map((item) => (item.sendEmail ? item.canonical : null)),
    atomic: options.atomic,
  });
  for (const item of prepared.splice(admission.admitted))
    results[item.index] = { ok: false, error: admission.refusal! };

  try {
    // Preset passwords are hashed last (scrypt is slow by design): only for a request that every
    // check has passed, members and pending invitations included, and in the batch lane, so that
    // one organization's batch cannot hold sign-in and token issuance behind it.
    if (prepared.some((item) => item.password !== undefined)) {
      await refuseTaken(deps, organization.id, prepared, results, nowIso);
      if (refuseAll()) throw new Rollback();
      for (let at = prepared.length - 1; at >= 0; at--) if (results[prepared[at]!.index]) prepared.splice(at, 1);
      const presets = prepared.filter((item) => item.password !== undefined);
      const hashes = await hashSecretsInBatchLane(presets.map((item) => item.password!));
      presets.forEach((item, index) => {
        item.row.password_hash = hashes[index]!;
      });
    }

    // Each email's message (its sealed link above all) is made before the transaction, which then
    // holds the database (on SQLite, its one writer) only for the reads and writes. Made for every
    // admitted item: the few that turn out to be members or already invited are dropped.
    const emails = new Map<string, OutboxRow>();
    const look = invitationLook(organization);
    for (const item of prepared) {
      if (!item.sendEmail) continue;
      const suppressed = admission.isSuppressed(item.canonical);
      const context = { inviterName: inviter.name, roleName: item.roleName, look };
      emails.set(item.row.id, invitationEmailMessage(deps, item.row, context, item.token, nowIso, { suppressed }));
    }

    const queuedMail = await deps.transact(async (trx) => {
      const members = await findActiveMemberEmails(
        trx,
        organization.id,
        prepared.map((item) => item.canonical),
      );
      const candidates = prepared.filter((item) => {
        if (!members.has(item.canonical)) return true;
        results[item.index] = { ok: false, error: alreadyAMember(item) };
        return false;
      });
      if (refuseAll()) throw new Rollback();

      // Insert first: most addresses hold no PENDING invitation, and the unique index names the few
      // that do (including any a concurrent request just wrote), so only those need another look.
      const writtenIds = await insertPendingInvitations(
        trx,
        candidates.map((item) => item.row),
      );
      const taken = candidates.filter((item) => !writtenIds.has(item.row.id));
      if (taken.length > 0) {
        const slots = await findPendingSlots(
          trx,
          organization.id,
          taken.map((item) => item.canonical),
        );
        // An expired PENDING row still holds its address's slot in the unique index: give it back.
        const stale = new Set(slots.filter((slot) => slot.expires_at <= nowIso).map((slot) => slot.email_canonical));
        if (stale.size > 0) {
          const expired = await transitionPending(
            trx,
            { organizationId: organization.id, emailCanonicals: [...stale] },
            nowIso,
            { status: 'EXPIRED' },
          );
          await recordExpiries(trx, expired, nowIso);
          const retry = taken.filter((item) => stale.has(item.canonical)).map((item) => item.row);
          for (const id of await insertPendingInvitations(trx, retry)) writtenIds.add(id);
        }
        for (const item of taken) {
          if (!writtenIds.has(item.row.id)) results[item.index] = { ok: false, error: alreadyPending(item) };
        }
      }
      if (refuseAll()) throw new Rollback();

      const messages: OutboxRow[] = [];
      const changes: Change[] = [];
      for (const item of candidates) {
        if (!writtenIds.has(item.row.id)) continue;
        const email = emails.get(item.row.id);
        if (email) messages.push(email);
        const invitation = toInvitation(item.row, item.roleName, nowIso);
        changes.push({
          type: 'invitation.created',
          organizationId: organization.id,
          actor,
          occurredAt: nowIso,
          data: invitation,
        });
        const invitedMembership = options.invitedMembership
          ? await addInvitedMembership(trx, deps.clock, item.row, nowIso)
          : undefined;
        if (invitedMembership) {
          changes.push({
            type: 'membership.created',
            organizationId: organization.id,
            actor,
            occurredAt: nowIso,
            data: await memberView(trx, organization.id, invitedMembership.user.id),
          });
        }
        results[item.index] = {
          ok: true,
          invitation,
          acceptUrl: item.sendEmail ? undefined : invitationLink(deps.config.publicUrl, item.token),
          invitedMembership,
        };
      }
      await insertOutboxMessages(trx, messages);
      await recordChanges(trx, changes);
      return messages.length > 0;
    });
    admission.settle(prepared.filter((item) => results[item.index]!.ok).map((item) => item.canonical));
    if (queuedMail) deps.events.emit('outbox');
    return results;
  } catch (error) {
    admission.settle([]);
    if (!(error instanceof Rollback)) throw error;
    return fillSkipped(results);
  }
}

/**
 * Before slow work (hashing preset passwords), the items whose address is already a member or has a
 * live pending invitation are refused, as the transaction would refuse them. The transaction still
 * decides: this only spares the work for requests that would fail anyway.
 */
async function refuseTaken(
  deps: ServiceDeps,
  organizationId: string,
  items: PreparedItem[],
  results: InviteResult[],
  now: string,
): Promise<void> {
  const addresses = items.map((item) => item.canonical);
  const members = await findActiveMemberEmails(deps.db, organizationId, addresses);
  const pendingSlots = await findPendingSlots(deps.db, organizationId, addresses);
  const pending = new Set(pendingSlots.filter((slot) => slot.expires_at > now).map((slot) => slot.email_canonical));
  for (const item of items) {
    if (members.has(item.canonical)) results[item.index] = { ok: false, error: alreadyAMember(item) };
    else if (pending.has(item.canonical)) results[item.index] = { ok: false, error: alreadyPending(item) };
  }
}

/** In an all-or-nothing request that was refused, the items that were fine are reported as not written. */
function fillSkipped(results: InviteResult[]): InviteResult[] {
  for (let index = 0; index < results.length; index++) {
    if (!results[index] || results[index]!.ok) {
      results[index] = {
        ok: false,
        skipped: true,
        error: new AppError('VALIDATION_FAILED', 'Not written: another item in the request was refused.'),
      };
    }
  }
  return results;
}

/** One invitation; its error, if refused, is thrown. */
export async function createInvitation(
  deps: ServiceDeps,
  access: OrganizationAccess,
  request: InvitationRequest,
  options: Omit<InviteOptions, 'atomic'> = {},
): Promise<Extract<InviteResult, { ok: true }>> {
  const [result] = await inviteMany(deps, access, [request], { ...options, atomic: true });
  if (!result!.ok) throw result!.error;
  return result!;
}
