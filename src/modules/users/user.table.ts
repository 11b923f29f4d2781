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
  /**
   * Null when the mailbox owner chose the password (or an operator or platform client set it).
   * Otherwise an inviter of this organization chose it (a preset password, or one set through a
   * link the inviter held): it is provisional, and its sessions reach this organization only.
   */
  password_organization_id: string | null;
  /**
   * When the person proved they read this mailbox (accepted a link that was emailed to it). Until
   * then a password set by someone else (an inviter, an operator) can be replaced by whoever does.
   */
  email_verified_at: string | null;
  created_at: string;
  updated_at: string;
}
