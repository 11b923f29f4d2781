export type MembershipStatus = 'INVITED' | 'ACTIVE';

export interface MembershipTable {
  id: string;
  organization_id: string;
  user_id: string;
  role_id: string;
  /** 1 = the whole organization. */
  scope: number;
  /** JSON `{ group: int, read: int[], manage: int[] }`. */
  permissions: string;
  /** JSON object copied from the accepted invitation. */
  metadata: string | null;
  status: MembershipStatus;
  /** The names this organization knows the member by: its invitation's, or as typed on accepting it. */
  first_name: string | null;
  last_name: string | null;
  /** The address as this organization entered it (its invitation's spelling). */
  email: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}
