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
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}
