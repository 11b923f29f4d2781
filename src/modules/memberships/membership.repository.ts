import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { preparedQuery } from '../../db/prepared-query.js';
import type { MembershipTable } from './membership.table.js';

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
