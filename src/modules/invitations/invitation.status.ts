import type { StoredInvitationStatus } from './invitation.table.js';

export const INVITATION_STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED', 'EXPIRED'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** A PENDING invitation past its expiry reads as EXPIRED at once, whether or not a sweep wrote it. */
export function effectiveStatus(
  row: { status: StoredInvitationStatus; expires_at: string },
  now: string,
): InvitationStatus {
  return row.status === 'PENDING' && row.expires_at <= now ? 'EXPIRED' : row.status;
}
