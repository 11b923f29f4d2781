import type { Generated } from 'kysely';

export type ActorType = 'user' | 'client' | 'invitee' | 'system';

export interface EventTable {
  /** Order of writing; with `txid`, the position readers walk by. */
  seq: Generated<string | number>;
  /** The writing transaction (PostgreSQL: xid8, read as text); 0 on SQLite. */
  txid: Generated<string | number>;
  /** `evt_…`: the public id, the same as the webhook-id of its deliveries. */
  id: string;
  type: string;
  organization_id: string | null;
  occurred_at: string;
  actor_type: ActorType;
  actor_id: string | null;
  /** JSON: the resource as the API shows it after the change. */
  data: string;
}
