export interface RoleTable {
  id: string;
  organization_id: string;
  name: string;
  /** Lower-cased name: role names are unique per organization without regard to case. */
  name_canonical: string;
  description: string;
  /** JSON array of permission names, see role.permissions.ts. */
  permissions: string;
  /** OWNER, ADMINISTRATOR, MEMBER or VIEWER for the built-in roles; null for custom ones. */
  builtin: string | null;
  created_at: string;
  updated_at: string;
}
