import type { ColumnType } from 'kysely';

export type LinkDelivery = 'EMAIL' | 'RESPONSE';

/**
 * Stored statuses. EXPIRED is also derived on read: a PENDING row past `expires_at` reads as
 * EXPIRED everywhere at once, and is written as EXPIRED when something needs its slot.
 */
export type StoredInvitationStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'REVOKED' | 'EXPIRED';

export interface InvitationTable {
  id: string;
  organization_id: string;
  email: string;
  email_canonical: string;
  role_id: string;
  status: StoredInvitationStatus;
  /** SHA-256 of the link token; the plaintext is never stored here. */
  token_hash: string;
  inviter_user_id: string | null;
  inviter_client_id: string | null;
  first_name: string | null;
  last_name: string | null;
  /** JSON `{ group, read, manage }` or null. */
  permissions: string | null;
  /** JSON object, at most 4 KiB. */
  metadata: string | null;
  /** Slow hash of a password chosen by the inviter; it becomes the new account's password. */
  password_hash: string | null;
  redirect_url: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
  accepted_at: string | null;
  accepted_user_id: string | null;
  declined_at: string | null;
  revoked_at: string | null;
  last_sent_at: string | null;
  send_count: number;
  /**
   * How the current link reached the invitee: EMAIL (only the mailbox has it, so accepting proves
   * the address) or RESPONSE (`sendEmail: false` handed it to the inviter, which proves nothing).
   */
  link_delivery: ColumnType<LinkDelivery, LinkDelivery | undefined, LinkDelivery>;
  /** The locale the email and the invitee's page speak (`src/i18n/locales.ts`). */
  locale: ColumnType<string, string | undefined, string>;
  /** The inviter's personal message, plain text of at most 500 characters. */
  message: string | null;
}
