export interface SessionTable {
  id: string;
  /** SHA-256 of the session token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  /** Set when the session was opened with a provisional password: it reaches this organization only. */
  organization_id: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}
