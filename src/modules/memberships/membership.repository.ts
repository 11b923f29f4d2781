import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { preparedQuery } from '../../db/prepared-query.js';
import type { MembershipStatus, MembershipTable } from './membership.table.js';

export type MembershipRow = Selectable<MembershipTable>;

/** The live (not removed) membership of a user in an organization, with its role's permissions. */
export function findLiveMembership(db: Executor, organizationId: string, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('roles', 'roles.id', 'memberships.role_id')
    .selectAll('memberships')
    .select(['roles.name as role_name', 'roles.permissions as role_permissions', 'roles.builtin as role_builtin'])
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.user_id', '=', userId)
    .where('memberships.deleted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Makes the membership ACTIVE for an accepted invitation: creates it, or updates one that is
 * INVITED or removed. An ACTIVE membership is left as it is (its role changes only through member
 * management), and then nothing is returned.
 */
export async function activateMembership(
  db: Executor,
  membership: Insertable<MembershipTable>,
): Promise<MembershipRow | undefined> {
  return db
    .insertInto('memberships')
    .values({ ...membership, status: 'ACTIVE' })
    .onConflict((conflict) =>
      conflict
        .columns(['organization_id', 'user_id'])
        .doUpdateSet({
          role_id: membership.role_id,
          scope: membership.scope ?? 1,
          permissions: membership.permissions,
          metadata: membership.metadata ?? null,
          first_name: membership.first_name ?? null,
          last_name: membership.last_name ?? null,
          email: membership.email ?? null,
          status: 'ACTIVE',
          updated_at: membership.updated_at,
          deleted_at: null,
        })
        .where((eb) => eb.or([eb('memberships.status', '<>', 'ACTIVE'), eb('memberships.deleted_at', 'is not', null)])),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Creates the membership, or revives and updates a removed one (one row per user and organization). */
export async function upsertMembership(db: Executor, membership: Insertable<MembershipTable>): Promise<MembershipRow> {
  return db
    .insertInto('memberships')
    .values(membership)
    .onConflict((conflict) =>
      conflict.columns(['organization_id', 'user_id']).doUpdateSet({
        role_id: membership.role_id,
        scope: membership.scope ?? 1,
        permissions: membership.permissions,
        metadata: membership.metadata ?? null,
        first_name: membership.first_name ?? null,
        last_name: membership.last_name ?? null,
        email: membership.email ?? null,
        status: membership.status,
        updated_at: membership.updated_at,
        deleted_at: null,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The organizations where a user is an active member, with the permissions of their role there. */
export async function listActiveMemberships(
  db: Executor,
  userId: string,
): Promise<Array<{ organization_id: string; permissions: string[] }>> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('roles', 'roles.id', 'memberships.role_id')
    .select(['memberships.organization_id', 'roles.permissions'])
    .where('memberships.user_id', '=', userId)
    .where('memberships.status', '=', 'ACTIVE')
    .where('memberships.deleted_at', 'is', null)
    .execute();
  return rows.map((row) => ({
    organization_id: row.organization_id,
    permissions: JSON.parse(row.permissions) as string[],
  }));
}

/** What an email or a page names a member by: the names and address this organization knows them by. */
const memberNameById = preparedQuery(
  ['organizationId', 'userId'],
  (db, args: { organizationId: string; userId: string }) =>
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'users.id',
        'users.email as account_email',
        'memberships.email',
        'memberships.first_name',
        'memberships.last_name',
      ])
      .where('memberships.organization_id', '=', args.organizationId)
      .where('memberships.user_id', '=', args.userId),
);

export async function findMemberName(
  db: Executor,
  organizationId: string,
  userId: string,
): Promise<{ id: string; email: string; first_name: string | null; last_name: string | null } | undefined> {
  const row = (await memberNameById(db, { organizationId, userId }))[0];
  return (
    row && { id: row.id, email: row.email ?? row.account_email, first_name: row.first_name, last_name: row.last_name }
  );
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

/** Which of these canonical addresses belong to an active member of the organization. */
export async function findActiveMemberEmails(
  db: Executor,
  organizationId: string,
  emails: string[],
): Promise<Set<string>> {
  if (emails.length === 1) {
    const rows = await activeMemberEmail(db, { organizationId, email: emails[0]! });
    return new Set(rows.map((row) => row.email_canonical));
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

/** A member as member management shows them: membership, account, role, organization and pending invitation. */
function membersQuery(db: Executor, organizationId: string) {
  return (
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .innerJoin('roles', 'roles.id', 'memberships.role_id')
      .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
      // An INVITED membership's pending invitation (one at most, by the unique index): its profile.
      .leftJoin('invitations', (join) =>
        join
          .onRef('invitations.organization_id', '=', 'memberships.organization_id')
          .onRef('invitations.email_canonical', '=', 'users.email_canonical')
          .on('invitations.status', '=', 'PENDING')
          .on('memberships.status', '=', 'INVITED'),
      )
      .select([
        'memberships.id',
        'memberships.status',
        'memberships.scope',
        'memberships.permissions',
        'memberships.metadata',
        'memberships.created_at',
        'memberships.updated_at',
        'memberships.role_id',
        'roles.name as role_name',
        'roles.permissions as role_permissions',
        'users.id as user_id',
        'users.numeric_id as user_numeric_id',
        'users.email',
        'users.email_canonical',
        'memberships.first_name',
        'memberships.last_name',
        'memberships.email as member_email',
        'organizations.main_user_id',
        'invitations.email as invited_email',
        'invitations.first_name as invited_first_name',
        'invitations.last_name as invited_last_name',
      ])
      .where('memberships.organization_id', '=', organizationId)
      .where('memberships.deleted_at', 'is', null)
  );
}

export type MemberRow = Awaited<ReturnType<ReturnType<typeof membersQuery>['executeTakeFirstOrThrow']>>;

/** One page of an organization's live members, newest first, from after the `after` position. */
export function listMemberRows(
  db: Executor,
  organizationId: string,
  page: { status?: MembershipStatus | undefined; after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<MemberRow[]> {
  let query = membersQuery(db, organizationId);
  if (page.status) query = query.where('memberships.status', '=', page.status);
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('memberships.created_at', 'memberships.id'), '<', eb.tuple(after.createdAt, after.id)),
    );
  }
  return query.orderBy('memberships.created_at', 'desc').orderBy('memberships.id', 'desc').limit(page.limit).execute();
}

/** One live member of the organization. */
export function findMemberRow(db: Executor, organizationId: string, userId: string): Promise<MemberRow | undefined> {
  return membersQuery(db, organizationId).where('memberships.user_id', '=', userId).executeTakeFirst();
}

/** Changes the live membership of a user in an organization. */
export async function updateLiveMembership(
  db: Executor,
  organizationId: string,
  userId: string,
  changes: Updateable<MembershipTable>,
): Promise<void> {
  await db
    .updateTable('memberships')
    .set(changes)
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .execute();
}

/**
 * Removes the live membership of a user in an organization (kept, marked deleted); with `onlyIf`,
 * only a membership in that status (an INVITED one ends with its invitation).
 */
export async function removeLiveMembership(
  db: Executor,
  organizationId: string,
  userId: string,
  now: string,
  onlyIf?: MembershipStatus,
): Promise<void> {
  let query = db
    .updateTable('memberships')
    .set({ deleted_at: now, updated_at: now })
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null);
  if (onlyIf) query = query.where('status', '=', onlyIf);
  await query.execute();
}
