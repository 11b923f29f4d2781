export type OutboxStatus = 'PENDING' | 'SENT' | 'DEAD';

export interface OutboxTable {
  id: string;
  organization_id: string | null;
  invitation_id: string | null;
  kind: string;
  /** JSON; what the worker needs to deliver the message. */
  payload: string;
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
