export interface ApiClientTable {
  id: string;
  client_id: string;
  secret_hash: string;
  name: string;
  /** null for a platform client, which may manage every organization. */
  organization_id: string | null;
  created_at: string;
  revoked_at: string | null;
}
