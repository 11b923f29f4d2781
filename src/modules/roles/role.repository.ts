import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
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

export function findRoleById(db: Executor, organizationId: string, roleId: string): Promise<RoleRow | undefined> {
  return db
    .selectFrom('roles')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', roleId)
    .executeTakeFirst();
}

export function findRoleByName(db: Executor, organizationId: string, name: string): Promise<RoleRow | undefined> {
  return db
    .selectFrom('roles')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('name_canonical', '=', name.trim().toLowerCase())
    .executeTakeFirst();
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
