/** CANCELLED: there was nothing left to deliver (the invitation was revoked, answered or re-sent). */
export type OutboxStatus = 'PENDING' | 'SENT' | 'DEAD' | 'CANCELLED';

export interface OutboxTable {
  id: string;
  organization_id: string | null;
  invitation_id: string | null;
  kind: string;
  /** JSON; what the worker needs to deliver the message. */
  payload: string;
  /** Sealed (AES-256-GCM) data needed only until delivery, such as the link token; cleared once sent. */
  secret: string | null;
  status: OutboxStatus;
  attempts: number;
  max_attempts: number;
  /** When the message may be tried (again). */
  run_at: string;
  /** Lease: the worker holding the row, and until when. */
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}
