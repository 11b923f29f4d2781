/**
 * What a membership may see and manage below the organization (groups and the ids it reads or
 * manages): set by the inviter, carried by the invitation, kept on the membership.
 */
export interface MembershipPermissions {
  group: number;
  read: number[];
  manage: number[];
}

/** A membership's permissions when the invitation set none. */
export const DEFAULT_PERMISSIONS: MembershipPermissions = { group: 0, read: [], manage: [] };
