import { assertRoleAssignable, type OrganizationAccess } from '../../auth/authorize.js';
import { hashSecretsInBatchLane, randomToken, sha256 } from '../../auth/secrets.js';
import { addSeconds } from '../../clock.js';
import type { Executor } from '../../db/database.js';
import { newId } from '../../db/ids.js';
import { preparedQuery } from '../../db/prepared-query.js';
import type { ServiceDeps } from '../../deps.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { AppError, type ErrorCode } from '../../http/errors.js';
import { findLiveMembership, findMemberName } from '../memberships/membership.repository.js';
import { insertOutboxMessages, type OutboxRow } from '../outbox/outbox.repository.js';
import { findOrganizationById } from '../organizations/organization.repository.js';
import { findRoleById, findRoleByName, listRoles, type RoleRow } from '../roles/role.repository.js';
import { checkEmail, EMAIL_MAX_LENGTH, isEmailProblem } from '../users/email.js';
import { findUserByCanonicalEmail, type UserRow } from '../users/user.repository.js';
import { invitationEmailMessage, invitationLink } from './invitation.email.js';
import {
  findInvitation,
  findPendingSlots,
  insertPendingInvitations,
  listInvitationPage,
  transitionPending,
  type InvitationRow,
} from './invitation.repository.js';
import { effectiveStatus, type InvitationStatus } from './invitation.status.js';
import { toInvitation, type Invitation, type MembershipPermissions } from './invitation.views.js';

export const METADATA_MAX_BYTES = 4096;
export const DEFAULT_PERMISSIONS: MembershipPermissions = { group: 0, read: [], manage: [] };

export interface InvitationRequest {
  email: string;
  /** One of roleId or roleName; neither means Member. */
  roleId?: string | undefined;
  roleName?: string | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  permissions?: Partial<MembershipPermissions> | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  expiresInDays?: number | undefined;
  redirectUrl?: string | null | undefined;
  /** Default true. False: no email; the response carries the accept URL, once. */
  sendEmail?: boolean | undefined;
  /**
   * A password chosen by the inviter (the caller checked its policy). It becomes the password of the
   * account that accepting creates, provisional and for this organization only. It is hashed only
   * once every other check and the limits have passed.
   */
  password?: string | undefined;
}

export interface InviteOptions {
  /** All or nothing: one refused item and nothing is written. Otherwise each item stands alone. */
  atomic: boolean;
  /** For API clients: the member to name as the inviter (default: the organization's MAIN user). */
  inviterUserId?: string | undefined;
  /** Some documents allow 250 characters instead of 254. */
  emailMaxLength?: number | undefined;
  /** Runs inside the same transaction, after the invitations are written (surfaces that add rows). */
  alsoInTransaction?: (trx: Executor, written: InvitationRow[], now: string) => Promise<void>;
}

export type InviteResult =
  | { ok: true; invitation: Invitation; acceptUrl?: string | undefined }
  /** `skipped`: the item was fine, but another item refused an all-or-nothing request. */
  | { ok: false; error: AppError; skipped?: boolean };

interface PreparedItem {
  index: number;
  canonical: string;
  /** The whole row as written: the response is made from it, not read back. */
  row: InvitationRow;
  token: string;
  sendEmail: boolean;
  password: string | undefined;
  roleName: string;
  recipientName: string | null;
}

class Rollback extends Error {}

function fieldError(code: ErrorCode, field: string, message: string): AppError {
  return new AppError(code, message, { fields: [{ field, message }] });
}

function alreadyAMember(item: PreparedItem): AppError {
  return fieldError('ALREADY_A_MEMBER', 'email', `${item.row.email} is already a member.`);
}

function alreadyPending(item: PreparedItem): AppError {
  return fieldError('INVITATION_ALREADY_PENDING', 'email', `${item.row.email} already has a pending invitation.`);
}

function fullName(first: string | null | undefined, last: string | null | undefined): string | null {
  return [first, last].filter(Boolean).join(' ').trim() || null;
}

export function displayName(user: Pick<UserRow, 'first_name' | 'last_name' | 'email'>): string {
  return fullName(user.first_name, user.last_name) ?? user.email;
}

/**
 * Invitation links may only send people back to origins the operator allowed. The URL is kept as
 * the WHATWG parser writes it (spaces and other characters percent-encoded): it goes into a
 * `Location` header after the accept has committed, where a raw one would fail.
 */
export function normalizeRedirectUrl(deps: Pick<ServiceDeps, 'config'>, value: string): string | AppError {
  try {
    const url = new URL(value);
    if (/^https?:$/.test(url.protocol) && deps.config.allowedRedirectOrigins.includes(url.origin)) return url.href;
  } catch {
    // not a URL at all: refused below
  }
  return fieldError(
    'REDIRECT_URL_NOT_ALLOWED',
    'redirectUrl',
    `The redirect URL must be on one of: ${deps.config.allowedRedirectOrigins.join(', ')}.`,
  );
}

/** The roles the requests can name: one request reads its one role, a bulk reads them all. */
async function rolesFor(deps: ServiceDeps, organizationId: string, requests: InvitationRequest[]): Promise<RoleRow[]> {
  if (requests.length !== 1) return listRoles(deps.db, organizationId);
  const [request] = requests as [InvitationRequest];
  const role =
    request.roleId !== undefined
      ? await findRoleById(deps.db, organizationId, request.roleId)
      : await findRoleByName(deps.db, organizationId, request.roleName ?? 'Member');
  return role ? [role] : [];
}

function resolveRole(roles: RoleRow[], request: InvitationRequest): RoleRow | AppError {
  if (request.roleId !== undefined) {
    return (
      roles.find((role) => role.id === request.roleId) ??
      fieldError('UNKNOWN_ROLE', 'roleId', 'No role with this id in the organization.')
    );
  }
  const name = (request.roleName ?? 'Member').trim().toLowerCase();
  return (
    roles.find((role) => role.name_canonical === name) ??
    fieldError('UNKNOWN_ROLE', 'roleName', `No role named "${request.roleName}" in the organization.`)
  );
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
  const roles = await rolesFor(deps, organization.id, requests);
  const inviter = await resolveInviter(deps, access, options.inviterUserId);
  const seen = new Map<string, number>();
  const prepared: PreparedItem[] = [];

  requests.forEach((request, index) => {
    const checked = checkEmail(request.email, options.emailMaxLength ?? EMAIL_MAX_LENGTH);
    if (isEmailProblem(checked)) {
      const message = checked === 'EMAIL_TOO_LONG' ? 'Email address is too long' : 'Invalid email format';
      results[index] = { ok: false, error: fieldError('VALIDATION_FAILED', 'email', message) };
      return;
    }
    if (seen.has(checked.canonical)) {
      results[index] = {
        ok: false,
        error: fieldError('DUPLICATE_EMAIL', 'email', `${checked.email} appears more than once in the request.`),
      };
      return;
    }
    seen.set(checked.canonical, index);
    const role = resolveRole(roles, request);
    if (role instanceof AppError) {
      results[index] = { ok: false, error: role };
      return;
    }
    try {
      assertRoleAssignable(access, JSON.parse(role.permissions) as string[]);
    } catch (error) {
      results[index] = { ok: false, error: error as AppError };
      return;
    }
    const metadata = request.metadata ? JSON.stringify(request.metadata) : null;
    if (metadata && Buffer.byteLength(metadata) > METADATA_MAX_BYTES) {
      results[index] = {
        ok: false,
        error: fieldError('VALIDATION_FAILED', 'metadata', `must be at most ${METADATA_MAX_BYTES} bytes of JSON`),
      };
      return;
    }
    const redirectUrl = request.redirectUrl ? normalizeRedirectUrl(deps, request.redirectUrl) : null;
    if (redirectUrl instanceof AppError) {
      results[index] = { ok: false, error: redirectUrl };
      return;
    }
    const days = request.expiresInDays ?? deps.config.invitationExpiryDays;
    const token = randomToken();
    const permissions = request.permissions ? { ...DEFAULT_PERMISSIONS, ...request.permissions } : null;
    prepared.push({
      index,
      canonical: checked.canonical,
      token,
      sendEmail: request.sendEmail ?? true,
      password: request.password,
      roleName: role.name,
      recipientName: fullName(request.firstName, request.lastName),
      row: {
        id: newId(),
        organization_id: organization.id,
        email: checked.email,
        email_canonical: checked.canonical,
        role_id: role.id,
        status: 'PENDING',
        token_hash: sha256(token),
        inviter_user_id: inviter.userId,
        inviter_client_id: inviter.clientId,
        first_name: request.firstName ?? null,
        last_name: request.lastName ?? null,
        permissions: permissions ? JSON.stringify(permissions) : null,
        metadata,
        password_hash: null,
        redirect_url: redirectUrl,
        expires_at: addSeconds(now, days * 86_400).toISOString(),
        created_at: nowIso,
        updated_at: nowIso,
        accepted_at: null,
        accepted_user_id: null,
        declined_at: null,
        revoked_at: null,
        last_sent_at: null,
        send_count: 0,
        link_delivery: (request.sendEmail ?? true) ? 'EMAIL' : 'RESPONSE',
      },
    });
  });

  const refuseAll = () => options.atomic && results.some((result) => result && !result.ok);
  if (refuseAll() || prepared.length === 0) return fillSkipped(results);

  // The limits (per organization, per inviter, pending cap, per recipient): refused whole when all or
  // nothing, else the first items that fit go on and the others are refused one by one.
  const admission = await deps.limits.invitations.admit({
    organizationId: organization.id,
    principal: access.principal,
    emailRecipients: prepared.map((item) => (item.sendEmail ? item.canonical : null)),
    atomic: options.atomic,
  });
  for (const item of prepared.splice(admission.admitted))
    results[item.index] = { ok: false, error: admission.refusal! };

  // Preset passwords are hashed last (scrypt is slow by design): only for a request that every
  // check has passed, members and pending invitations included, and in the batch lane, so that
  // one organization's batch cannot hold sign-in and token issuance behind it.
  if (prepared.some((item) => item.password !== undefined)) {
    try {
      await refuseTaken(deps, organization.id, prepared, results, nowIso);
      if (refuseAll()) throw new Rollback();
      for (let at = prepared.length - 1; at >= 0; at--) if (results[prepared[at]!.index]) prepared.splice(at, 1);
      const admittedPresets = prepared.filter((item) => item.password !== undefined);
      const hashes = await hashSecretsInBatchLane(admittedPresets.map((item) => item.password!));
      admittedPresets.forEach((item, index) => {
        item.row.password_hash = hashes[index]!;
      });
    } catch (error) {
      admission.settle([]);
      if (!(error instanceof Rollback)) throw error;
      return fillSkipped(results);
    }
  }

  // Each email's message (its sealed link above all) is made before the transaction, which then
  // holds the database (on SQLite, its one writer) only for the reads and writes. Made for every
  // admitted item: the few that turn out to be members or already invited are dropped.
  const emails = new Map<string, OutboxRow>();
  for (const item of prepared) {
    if (!item.sendEmail) continue;
    const { row } = item;
    emails.set(
      row.id,
      invitationEmailMessage(
        deps,
        {
          organizationId: organization.id,
          invitationId: row.id,
          to: row.email,
          recipientName: item.recipientName,
          inviterName: inviter.name,
          organizationName: organization.name,
          roleName: item.roleName,
          expiresAt: row.expires_at,
        },
        item.token,
        nowIso,
      ),
    );
  }

  let queuedMail = false;
  try {
    await deps.transact(async (trx) => {
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
          await transitionPending(trx, { organizationId: organization.id, emailCanonicals: [...stale] }, nowIso, {
            status: 'EXPIRED',
          });
          const retried = await insertPendingInvitations(
            trx,
            taken.filter((item) => stale.has(item.canonical)).map((item) => item.row),
          );
          for (const id of retried) writtenIds.add(id);
        }
        for (const item of taken) {
          if (writtenIds.has(item.row.id)) continue;
          results[item.index] = { ok: false, error: alreadyPending(item) };
        }
      }
      if (refuseAll()) throw new Rollback();
      const written = candidates.filter((item) => writtenIds.has(item.row.id));

      const messages: OutboxRow[] = [];
      for (const item of written) {
        const { row } = item;
        results[item.index] = {
          ok: true,
          invitation: toInvitation(row, item.roleName, nowIso),
          acceptUrl: item.sendEmail ? undefined : invitationLink(deps.config.publicUrl, item.token),
        };
        const email = emails.get(row.id);
        if (email) messages.push(admission.screenEmail(item.canonical, email));
      }
      await insertOutboxMessages(trx, messages);
      queuedMail = messages.length > 0;
      await options.alsoInTransaction?.(
        trx,
        written.map((item) => item.row),
        nowIso,
      );
    });
  } catch (error) {
    admission.settle([]);
    if (!(error instanceof Rollback)) throw error;
    return fillSkipped(results);
  }
  admission.settle(prepared.filter((item) => results[item.index]!.ok).map((item) => item.canonical));
  if (queuedMail) deps.events.emit('outbox');
  return results;
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
  const pending = new Set(
    (await findPendingSlots(deps.db, organizationId, addresses))
      .filter((slot) => slot.expires_at > now)
      .map((slot) => slot.email_canonical),
  );
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

function activeMemberEmails(db: Executor, organizationId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email_canonical')
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.status', '=', 'ACTIVE')
    .where('memberships.deleted_at', 'is', null);
}

/** Whether one address is an active member (every single create asks): built once. */
const activeMemberEmail = preparedQuery(
  ['organizationId', 'email'],
  (db, args: { organizationId: string; email: string }) =>
    activeMemberEmails(db, args.organizationId).where('users.email_canonical', '=', args.email),
);

async function findActiveMemberEmails(db: Executor, organizationId: string, emails: string[]): Promise<Set<string>> {
  if (emails.length === 1) {
    return new Set(
      (await activeMemberEmail(db, { organizationId, email: emails[0]! })).map((row) => row.email_canonical),
    );
  }
  const found = new Set<string>();
  for (let start = 0; start < emails.length; start += 500) {
    const rows = await activeMemberEmails(db, organizationId)
      .where('users.email_canonical', 'in', emails.slice(start, start + 500))
      .execute();
    for (const row of rows) found.add(row.email_canonical);
  }
  return found;
}

/** One invitation; its error, if refused, is thrown. */
export async function createInvitation(
  deps: ServiceDeps,
  access: OrganizationAccess,
  request: InvitationRequest,
  options: Omit<InviteOptions, 'atomic'> = {},
): Promise<{ invitation: Invitation; acceptUrl?: string | undefined }> {
  const [result] = await inviteMany(deps, access, [request], { ...options, atomic: true });
  if (!result!.ok) throw result!.error;
  return result!;
}

export async function roleNameOf(db: Executor, organizationId: string, roleId: string): Promise<string> {
  const role = await db
    .selectFrom('roles')
    .select('name')
    .where('organization_id', '=', organizationId)
    .where('id', '=', roleId)
    .executeTakeFirst();
  return role?.name ?? '';
}

export async function getInvitation(deps: ServiceDeps, organizationId: string, id: string): Promise<Invitation> {
  const row = await findInvitation(deps.db, organizationId, id);
  if (!row) throw new AppError('INVITATION_NOT_FOUND');
  return toInvitation(row, await roleNameOf(deps.db, organizationId, row.role_id), deps.clock.now().toISOString());
}

async function notPending(deps: ServiceDeps, organizationId: string, id: string): Promise<AppError> {
  const row = await findInvitation(deps.db, organizationId, id);
  if (!row) return new AppError('INVITATION_NOT_FOUND');
  const status = effectiveStatus(row, deps.clock.now().toISOString());
  return new AppError('INVITATION_NOT_PENDING', `The invitation is ${status}.`);
}

/** Withdraws a PENDING invitation: its link stops working, and an email not yet sent is not sent. */
export async function revokeInvitation(deps: ServiceDeps, organizationId: string, id: string): Promise<Invitation> {
  const now = deps.clock.now().toISOString();
  const row = await deps.db.transaction().execute(async (trx) => {
    const [revoked] = await transitionPending(trx, { id, organizationId }, now, { status: 'REVOKED', revoked_at: now });
    if (revoked) await dropInvitedMembership(trx, revoked, now);
    return revoked;
  });
  if (!row) throw await notPending(deps, organizationId, id);
  return toInvitation(row, await roleNameOf(deps.db, organizationId, row.role_id), now);
}

/**
 * Sends the invitation again with a new link (the old one stops working), optionally with a new
 * expiry counted from now.
 */
export async function resendInvitation(
  deps: ServiceDeps,
  organizationId: string,
  id: string,
  options: { expiresInDays?: number | undefined } = {},
): Promise<Invitation> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const token = randomToken();
  const organization = await findOrganizationById(deps.db, organizationId);
  if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
  const resent = await deps.db.transaction().execute(async (trx) => {
    const changes = {
      status: 'PENDING' as const,
      token_hash: sha256(token),
      link_delivery: 'EMAIL' as const,
      ...(options.expiresInDays ? { expires_at: addSeconds(now, options.expiresInDays * 86_400).toISOString() } : {}),
    };
    const [updated] = await transitionPending(trx, { id, organizationId }, nowIso, changes);
    if (!updated) return undefined;
    const inviter = updated.inviter_user_id
      ? await findMemberName(trx, organizationId, updated.inviter_user_id)
      : undefined;
    const roleName = await roleNameOf(trx, organizationId, updated.role_id);
    // Over the recipient's daily limit the email is queued suppressed (recorded, not sent); the answer is the same.
    await insertOutboxMessages(trx, [
      await deps.limits.invitations.screenEmail(
        updated.email_canonical,
        invitationEmailMessage(
          deps,
          {
            organizationId,
            invitationId: updated.id,
            to: updated.email,
            recipientName: fullName(updated.first_name, updated.last_name),
            inviterName: inviter ? displayName(inviter) : organization.name,
            organizationName: organization.name,
            roleName,
            expiresAt: updated.expires_at,
          },
          token,
          nowIso,
        ),
      ),
    ]);
    return { row: updated, roleName };
  });
  if (!resent) throw await notPending(deps, organizationId, id);
  deps.events.emit('outbox');
  return toInvitation(resent.row, resent.roleName, nowIso);
}

export interface ListInvitationsInput {
  status?: InvitationStatus | undefined;
  roleId?: string | undefined;
  email?: string | undefined;
  limit: number;
  order?: 'asc' | 'desc' | undefined;
  cursor?: string | undefined;
  /** The name the cursor parameter has on the calling surface, for error messages. */
  cursorField?: string | undefined;
}

/**
 * A page of invitations, newest first by default, and an opaque cursor for the next one (absent on
 * the last page). The cursor is signed and bound to the organization and the filters: changed,
 * truncated or used with another query, it is refused.
 */
export async function listInvitations(
  deps: ServiceDeps,
  organizationId: string,
  input: ListInvitationsInput,
): Promise<{ data: Invitation[]; nextCursor?: string | undefined }> {
  const order = input.order ?? 'desc';
  let emailCanonical: string | undefined;
  if (input.email !== undefined) {
    const checked = checkEmail(input.email);
    // No invitation can have an address that is not valid.
    if (isEmailProblem(checked)) return { data: [] };
    emailCanonical = checked.canonical;
  }
  const binding = {
    organizationId,
    filters: ['invitations', input.status ?? null, input.roleId ?? null, emailCanonical ?? null, order],
  };
  const after =
    input.cursor === undefined ? undefined : decodeCursor(deps.secrets, binding, input.cursor, input.cursorField);
  const now = deps.clock.now().toISOString();
  const rows = await listInvitationPage(deps.db, {
    organizationId,
    status: input.status,
    roleId: input.roleId,
    emailCanonical,
    order,
    limit: input.limit,
    after,
    now,
  });
  const page = rows.slice(0, input.limit);
  const roles = new Map((await listRoles(deps.db, organizationId)).map((role) => [role.id, role.name]));
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > input.limit && last
      ? encodeCursor(deps.secrets, binding, { createdAt: last.created_at, id: last.id })
      : undefined;
  return { data: page.map((row) => toInvitation(row, roles.get(row.role_id) ?? '', now)), nextCursor };
}

/** A membership created in status INVITED alongside the invitation ends with it. */
export async function dropInvitedMembership(trx: Executor, invitation: InvitationRow, now: string): Promise<void> {
  const user = await findUserByCanonicalEmail(trx, invitation.email_canonical);
  if (!user) return;
  await trx
    .updateTable('memberships')
    .set({ deleted_at: now, updated_at: now })
    .where('organization_id', '=', invitation.organization_id)
    .where('user_id', '=', user.id)
    .where('status', '=', 'INVITED')
    .where('deleted_at', 'is', null)
    .execute();
}
