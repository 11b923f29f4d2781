import type { Kysely } from 'kysely';

/**
 * Gives a new permission to the built-in roles of every existing organization (new organizations
 * get it from BUILTIN_ROLES). Migrations call it, so it is frozen like them: a change of behaviour
 * is a new function, never an edit of this one.
 */
export async function grantBuiltinPermission(db: Kysely<any>, permission: string, builtins: string[]): Promise<void> {
  const roles = await db.selectFrom('roles').select(['id', 'permissions']).where('builtin', 'in', builtins).execute();
  for (const role of roles as Array<{ id: string; permissions: string }>) {
    const permissions = JSON.parse(role.permissions) as string[];
    if (permissions.includes(permission)) continue;
    await db
      .updateTable('roles')
      .set({ permissions: JSON.stringify([...permissions, permission]) })
      .where('id', '=', role.id)
      .execute();
  }
}
