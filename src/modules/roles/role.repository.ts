import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { preparedQuery } from '../../db/prepared-query.js';
import type { RoleTable } from './role.table.js';

export type RoleRow = Selectable<RoleTable>;

export function listRoles(db: Executor, organizationId: string): Promise<RoleRow[]> {
  return db
    .selectFrom('roles')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .orderBy('name_canonical')
    .execute();
}

// Each created invitation reads its role by one of these: built once.
const roleById = preparedQuery(['organizationId', 'roleId'], (db, args: { organizationId: string; roleId: string }) =>
  db.selectFrom('roles').selectAll().where('organization_id', '=', args.organizationId).where('id', '=', args.roleId),
);
const roleByName = preparedQuery(['organizationId', 'name'], (db, args: { organizationId: string; name: string }) =>
  db
    .selectFrom('roles')
    .selectAll()
    .where('organization_id', '=', args.organizationId)
    .where('name_canonical', '=', args.name),
);

export async function findRoleById(db: Executor, organizationId: string, roleId: string): Promise<RoleRow | undefined> {
  return (await roleById(db, { organizationId, roleId }))[0];
}

export async function findRoleByName(db: Executor, organizationId: string, name: string): Promise<RoleRow | undefined> {
  return (await roleByName(db, { organizationId, name: name.trim().toLowerCase() }))[0];
}

export function findBuiltinRole(db: Executor, organizationId: string, builtin: string): Promise<RoleRow | undefined> {
  return db
    .selectFrom('roles')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('builtin', '=', builtin)
    .executeTakeFirst();
}

export async function insertRoles(db: Executor, roles: Insertable<RoleTable>[]): Promise<RoleRow[]> {
  return db.insertInto('roles').values(roles).returningAll().execute();
}

/** A role's name, or '' when the organization has no such role. */
export async function findRoleName(db: Executor, organizationId: string, roleId: string): Promise<string> {
  const role = await db
    .selectFrom('roles')
    .select('name')
    .where('organization_id', '=', organizationId)
    .where('id', '=', roleId)
    .executeTakeFirst();
  return role?.name ?? '';
}
