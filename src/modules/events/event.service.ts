import type { Principal } from '../../auth/principal.js';
import type { Executor } from '../../db/database.js';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import {
  deleteEventsBefore,
  type EventPosition,
  type EventRow,
  findEventPosition,
  insertEvents,
  listEventsAfter,
} from './event.repository.js';
import type { Actor, Change, EventType, TesseraEvent } from './event.types.js';

/**
 * Events are facts, written with the change: the service that makes a change calls `recordChanges`
 * with the transaction that makes it, so an event exists exactly when its change committed. This
 * module alone gives an event its id and shape.
 */

export const SYSTEM_ACTOR: Actor = { type: 'system' };

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'user'
    ? { type: 'user', id: principal.userId }
    : { type: 'client', id: principal.clientId };
}

export async function recordChanges(trx: Executor, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return;
  await insertEvents(
    trx,
    changes.map((change) => ({
      id: `evt_${newId().replaceAll('-', '')}`,
      type: change.type,
      organization_id: change.organizationId,
      occurred_at: change.occurredAt,
      actor_type: change.actor.type,
      actor_id: change.actor.id ?? null,
      data: JSON.stringify(change.data),
    })),
  );
}

export function toEvent(row: EventRow): TesseraEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    organizationId: row.organization_id,
    occurredAt: row.occurred_at,
    actor: row.actor_id === null ? { type: row.actor_type } : { type: row.actor_type, id: row.actor_id },
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

const START: EventPosition = { txid: '0', seq: '0' };
const POSITION = /^(\d{1,20})\.(\d{1,20})$/;

/**
 * `nextAfter` is sealed: positions are counted across every organization, and one organization
 * reading them in the clear would learn how busy the others are.
 */
function positionText(deps: ServiceDeps, position: EventPosition): string {
  return deps.secrets.seal('events-cursor', `${position.txid}.${position.seq}`);
}

/** `after` is a `nextAfter` from an earlier page, or an event's id: the walk goes on after it. */
async function positionOf(
  deps: ServiceDeps,
  after: string,
  organizationId: string | undefined,
): Promise<EventPosition> {
  const match = after.startsWith('evt_') ? null : POSITION.exec(deps.secrets.open('events-cursor', after) ?? '');
  if (match) return { txid: match[1]!, seq: match[2]! };
  const event = after.startsWith('evt_') ? await findEventPosition(deps.db, after, organizationId) : undefined;
  if (event) return { txid: String(event.txid), seq: String(event.seq) };
  throw new AppError('INVALID_CURSOR', 'after: must be a nextAfter from an earlier page, or the id of an event.', {
    fields: [{ field: 'after', message: 'must be a nextAfter from an earlier page, or the id of an event' }],
  });
}

export interface ListEventsInput {
  /** Undefined: every organization's (platform clients). */
  organizationId?: string | undefined;
  after?: string | undefined;
  types?: readonly EventType[] | undefined;
  limit: number;
}

/**
 * A page of events, oldest first, and where to read on from. `nextAfter` is always there: with no
 * newer events it is where the reader stands, so a consumer polls from it.
 */
export async function listEvents(
  deps: ServiceDeps,
  input: ListEventsInput,
): Promise<{ data: TesseraEvent[]; nextAfter: string }> {
  const after = input.after === undefined ? START : await positionOf(deps, input.after, input.organizationId);
  const rows = await listEventsAfter(deps.db, {
    organizationId: input.organizationId,
    after: input.after === undefined ? undefined : after,
    types: input.types,
    limit: input.limit,
  });
  const last = rows[rows.length - 1];
  // Nothing newer: the reader stays where it stands (its own after, as it sent it).
  const nextAfter = last
    ? positionText(deps, { txid: String(last.txid), seq: String(last.seq) })
    : (input.after ?? positionText(deps, START));
  return { data: rows.map(toEvent), nextAfter };
}

/** Deletes events older than EVENT_RETENTION_DAYS, a batch at a time; returns how many. */
export function sweepOldEvents(deps: ServiceDeps, batch = 1000): Promise<number> {
  return deleteInBatches((limit) => deleteEventsBefore(deps.db, retentionCutoff(deps), limit), batch);
}

/** What is older than this goes: EVENT_RETENTION_DAYS ago (events, and finished webhook deliveries). */
export function retentionCutoff(deps: Pick<ServiceDeps, 'clock' | 'config'>): string {
  return new Date(deps.clock.now().getTime() - deps.config.eventRetentionDays * 86_400_000).toISOString();
}

/** Runs `remove` (deleting at most `batch` rows a call) until a call deletes fewer; returns the total. */
export async function deleteInBatches(remove: (limit: number) => Promise<number>, batch: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await remove(batch);
    deleted += count;
    if (count < batch) return deleted;
  }
}
