import type { Kysely, Transaction } from 'kysely';
import type { SigningKeyTable } from '../auth/signing-key.table.js';
import type { ApiClientTable } from '../modules/clients/client.table.js';
import type { EventTable } from '../modules/events/event.table.js';
import type { InvitationTable } from '../modules/invitations/invitation.table.js';
import type { MembershipTable } from '../modules/memberships/membership.table.js';
import type { OrganizationTable } from '../modules/organizations/organization.table.js';
import type { OutboxTable } from '../modules/outbox/outbox.table.js';
import type { RoleTable } from '../modules/roles/role.table.js';
import type { SessionTable } from '../modules/sessions/session.table.js';
import type { PasswordSetupTable } from '../modules/password-setup/password-setup.table.js';
import type { UserTable } from '../modules/users/user.table.js';
import type { WebhookDeliveryTable, WebhookFanoutTable } from '../modules/webhooks/webhook-delivery.table.js';
import type { WebhookEndpointTable } from '../modules/webhooks/webhook-endpoint.table.js';
import type { AppSecretTable, IdempotencyKeyTable } from './support.table.js';

/**
 * Timestamps are ISO-8601 UTC strings with milliseconds on both dialects (`timestamptz` on
 * PostgreSQL, read back as the same ISO string; fixed-width text on SQLite), so they compare and
 * sort the same way everywhere. JSON columns are text on both.
 */
export interface Database {
  organizations: OrganizationTable;
  roles: RoleTable;
  users: UserTable;
  memberships: MembershipTable;
  api_clients: ApiClientTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  outbox: OutboxTable;
  signing_keys: SigningKeyTable;
  idempotency_keys: IdempotencyKeyTable;
  app_secrets: AppSecretTable;
  password_setups: PasswordSetupTable;
  events: EventTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_fanout: WebhookFanoutTable;
}

/** What a repository takes: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
