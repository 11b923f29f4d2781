import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { AppSecrets } from './auth/app-secrets.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { DialectName } from './db/dialect.js';
import { createTransact, type Transact } from './db/write-batcher.js';
import { OperatorTemplates } from './email/operator-templates.js';
import { createLimits, type Limits } from './limits/limits.js';
import { countOpenPendingInvitations } from './modules/invitations/invitation.repository.js';

/** In-process signals: `outbox` fires after a transaction queued mail, so a local worker wakes at once. */
export type ServiceEvents = EventEmitter<{ outbox: [] }>;

/** What services need from the outside world, passed in rather than imported (tests swap them). */
export interface ServiceDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  config: Config;
  secrets: AppSecrets;
  events: ServiceEvents;
  /** A write transaction: its own on PostgreSQL, group-committed with its neighbours on SQLite. */
  transact: Transact;
  /** Rate limits and the pending-invitations cap; whoever creates the deps closes them. */
  limits: Limits;
  /** The operator's email templates (TEMPLATES_DIR), loaded and checked at start. */
  templates: OperatorTemplates;
}

export async function createServiceDeps(
  config: Config,
  database: { db: Kysely<Database>; dialect: DialectName },
  clock: Clock = systemClock,
): Promise<ServiceDeps> {
  // Templates first: a bad one stops the start before anything is written (AppSecrets may store a new key).
  const templates = await OperatorTemplates.load(config.templatesDir);
  const secrets = await AppSecrets.load(database.db, clock, config.secretKey);
  return {
    db: database.db,
    dialect: database.dialect,
    clock,
    config,
    secrets,
    events: new EventEmitter(),
    transact: createTransact(database.db, database.dialect),
    limits: createLimits(config, {
      clock,
      countPending: (organizationId) =>
        countOpenPendingInvitations(database.db, organizationId, clock.now().toISOString()),
    }),
    templates,
  };
}
