export interface IdempotencyKeyTable {
  /** Whose key it is: the client id or user id, and the operation. */
  scope: string;
  key: string;
  /** SHA-256 of the request body: the same key with another body is refused. */
  request_hash: string;
  /** null while the first request is still running. */
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}

export interface AppSecretTable {
  name: string;
  /** base64url key material. */
  value: string;
  created_at: string;
}
