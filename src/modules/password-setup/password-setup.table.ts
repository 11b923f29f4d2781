/** A password-setup link Tessera emailed to an account's address: proof of the mailbox, used once. */
export interface PasswordSetupTable {
  id: string;
  user_id: string;
  /** SHA-256 of the link token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
