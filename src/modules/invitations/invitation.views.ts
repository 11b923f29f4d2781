import type { MembershipPermissions } from '../memberships/membership.permissions.js';
import type { InvitationRow } from './invitation.repository.js';
import { effectiveStatus, type InvitationStatus } from './invitation.status.js';

export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  status: InvitationStatus;
  role: { id: string; name: string };
  inviter: { userId: string | null; clientId: string | null };
  firstName: string | null;
  lastName: string | null;
  permissions: MembershipPermissions | null;
  metadata: Record<string, unknown> | null;
  redirectUrl: string | null;
  passwordPreset: boolean;
  locale: string;
  message: string | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  acceptedAt: string | null;
  declinedAt: string | null;
  revokedAt: string | null;
  lastSentAt: string | null;
  sendCount: number;
}

/** The public view of a row: derived status, parsed JSON, never the token hash or password hash. */
export function toInvitation(row: InvitationRow, roleName: string, now: string): Invitation {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    status: effectiveStatus(row, now),
    role: { id: row.role_id, name: roleName },
    inviter: { userId: row.inviter_user_id, clientId: row.inviter_client_id },
    firstName: row.first_name,
    lastName: row.last_name,
    permissions: row.permissions ? (JSON.parse(row.permissions) as MembershipPermissions) : null,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    redirectUrl: row.redirect_url,
    passwordPreset: row.password_hash !== null,
    locale: row.locale,
    message: row.message,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    acceptedAt: row.accepted_at,
    declinedAt: row.declined_at,
    revokedAt: row.revoked_at,
    lastSentAt: row.last_sent_at,
    sendCount: row.send_count,
  };
}
