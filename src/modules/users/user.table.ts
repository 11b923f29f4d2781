import type { Generated } from 'kysely';

export interface UserTable {
  numeric_id: Generated<number>;
  id: string;
  /** As entered; mail goes to this form. */
  email: string;
  /** Lower case, IDN domain as punycode; the form every comparison uses. */
  email_canonical: string;
  first_name: string | null;
  last_name: string | null;
  password_hash: string | null;
  created_at: string;
  updated_at: string;
}
