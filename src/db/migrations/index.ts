import type { Migration } from 'kysely';
import * as initial from './2026-11-22-0001-initial.js';
import * as accountBoundaries from './2026-11-27-0001-account-boundaries.js';
import * as randomNumericIds from './2026-11-27-0002-random-numeric-ids.js';
import * as events from './2026-11-27-0003-events.js';
import * as webhookEndpoints from './2026-11-27-0004-webhook-endpoints.js';
import * as webhookDeliveries from './2026-11-27-0005-webhook-deliveries.js';
import * as languagesAndBranding from './2026-11-28-0001-languages-and-branding.js';

/** Migrations are frozen once landed: change the schema with a new file, never by editing one. */
export const migrations: Record<string, Migration> = {
  '2026-11-22-0001-initial': initial,
  '2026-11-27-0001-account-boundaries': accountBoundaries,
  '2026-11-27-0002-random-numeric-ids': randomNumericIds,
  '2026-11-27-0003-events': events,
  '2026-11-27-0004-webhook-endpoints': webhookEndpoints,
  '2026-11-27-0005-webhook-deliveries': webhookDeliveries,
  '2026-11-28-0001-languages-and-branding': languagesAndBranding,
};
