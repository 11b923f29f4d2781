import type { ColumnType, Generated } from 'kysely';

export interface OrganizationTable {
  numeric_id: Generated<number>;
  id: string;
  name: string;
  slug: string;
  /** The primary (MAIN) user, the owner; null until one is assigned. */
  main_user_id: string | null;
  /** JSON `OrganizationBranding` (`organization.branding.ts`); null: none. */
  branding: ColumnType<string | null, string | null | undefined, string | null>;
  /** Null: the service's DEFAULT_LOCALE. */
  default_locale: ColumnType<string | null, string | null | undefined, string | null>;
  /** IANA time zone the organization's dates are written in; null: UTC. */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}
