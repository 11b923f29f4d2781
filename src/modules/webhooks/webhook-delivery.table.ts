/** PENDING: not tried yet; FAILED: the last attempt failed and another is due; DEAD: no more attempts. */
export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'DEAD';

export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  organization_id: string | null;
  /** The event's id: also the `webhook-id` header of every attempt. */
  event_id: string;
  event_type: string;
  /** The JSON body sent on every attempt: `{ type, timestamp, data }`. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (null once SUCCEEDED or DEAD). */
  next_attempt_at: string | null;
  locked_by: string | null;
  locked_until: string | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
  /** The first 1 KiB of the last response body. */
  last_response: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

/** Where the fan-out stands in the events walk (one row, id 'events'). */
export interface WebhookFanoutTable {
  id: string;
  txid: string;
  seq: string;
  updated_at: string;
}
