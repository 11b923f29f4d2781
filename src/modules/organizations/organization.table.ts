import type { Generated } from 'kysely';

export interface OrganizationTable {
  numeric_id: Generated<number>;
  id: string;
  name: string;
  slug: string;
  /** The primary (MAIN) user, the owner; null until one is assigned. */
  main_user_id: string | null;
  created_at: string;
  updated_at: string;
}
