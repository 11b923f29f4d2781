export interface WebhookEndpointTable {
  id: string;
  /** Null: a platform endpoint, receiving every organization's events. */
  organization_id: string | null;
  url: string;
  description: string | null;
  /** JSON: a list of event types, or ["*"]. */
  event_types: string;
  /** 1 or 0 (both dialects). */
  enabled: number;
  /** Why Tessera disabled it (a 410, or five days of failures); null when enabled or disabled by hand. */
  disabled_reason: string | null;
  /** `whsec_…`, sealed. */
  secret: string;
  /** The secret before the last rotation, sealed; it signs too until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: string | null;
  /** Since when every attempt has failed; null after a success. Five days of it disable the endpoint. */
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}
