import { type Selectable, sql, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Database, Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import { jsonRows } from '../../db/json-rows.js';
import { columnsOf, preparedQuery } from '../../db/prepared-query.js';
import type { InvitationTable, StoredInvitationStatus } from './invitation.table.js';

export type InvitationRow = Selectable<InvitationTable>;

/** SQLite allows 32,766 bound parameters a statement; 500 rows of 25 columns stay well inside. */
const INSERT_CHUNK = 500;

const INVITATION_COLUMNS = columnsOf<InvitationRow>({
  id: true,
  organization_id: true,
  email: true,
  email_canonical: true,
  role_id: true,
  status: true,
  token_hash: true,
  inviter_user_id: true,
  inviter_client_id: true,
  first_name: true,
  last_name: true,
  permissions: true,
  metadata: true,
  password_hash: true,
  redirect_url: true,
  expires_at: true,
  created_at: true,
  updated_at: true,
  accepted_at: true,
  accepted_user_id: true,
  declined_at: true,
  revoked_at: true,
  last_sent_at: true,
  send_count: true,
  link_delivery: true,
  locale: true,
  message: true,
});

function insertPending(db: Executor, rows: InvitationRow[], asJson = false) {
  const insert = db.insertInto('invitations');
  return (
    asJson
      ? insert.columns(INVITATION_COLUMNS).expression(jsonRows('invitations', INVITATION_COLUMNS, rows))
      : insert.values(rows)
  )
    .onConflict((conflict) =>
      // The predicate must be a literal for the database to match it to the partial index.
      conflict.columns(['organization_id', 'email_canonical']).where('status', '=', sql.lit('PENDING')).doNothing(),
    )
    .returning('id');
}

/** The one-invitation insert (every single create) is built once; a bulk's vary in length. */
const insertOnePending = preparedQuery(INVITATION_COLUMNS, (db, row: InvitationRow) => insertPending(db, [row]));

/**
 * Inserts invitations, skipping any whose (organization, email) already has a PENDING one: the
 * partial unique index decides, so concurrent requests cannot both win. Returns the ids written.
 */
export async function insertPendingInvitations(db: Executor, rows: InvitationRow[]): Promise<Set<string>> {
  if (rows.length === 1) return new Set((await insertOnePending(db, rows[0]!)).map((row) => row.id));
  const inserted = new Set<string>();
  if (dialectOf(db) === 'postgres') {
    for (const row of await insertPending(db, rows, true).execute()) inserted.add(row.id);
    return inserted;
  }
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const written = await insertPending(db, rows.slice(start, start + INSERT_CHUNK)).execute();
    for (const row of written) inserted.add(row.id);
  }
  return inserted;
}

/** The rows holding the one-PENDING slot of these addresses (expired or not). */
export async function findPendingSlots(
  db: Executor,
  organizationId: string,
  emails: string[],
): Promise<Array<{ email_canonical: string; expires_at: string }>> {
  const found: Array<{ email_canonical: string; expires_at: string }> = [];
  for (let start = 0; start < emails.length; start += INSERT_CHUNK) {
    found.push(
      ...(await db
        .selectFrom('invitations')
        .select(['email_canonical', 'expires_at'])
        .where('organization_id', '=', organizationId)
        .where('email_canonical', 'in', emails.slice(start, start + INSERT_CHUNK))
        .where('status', '=', 'PENDING')
        .execute()),
    );
  }
  return found;
}

export function findInvitation(db: Executor, organizationId: string, id: string): Promise<InvitationRow | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The invitation a link token opens, if it is still PENDING and unexpired. */
export function findOpenInvitationByTokenHash(
  db: Executor,
  tokenHash: string,
  now: string,
): Promise<InvitationRow | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('status', '=', 'PENDING')
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** The PENDING rows a transition applies to: one invitation (through its link, when a token hash is
 * given), or an organization's invitations of some addresses. */
export type PendingSelector =
  | { id: string; organizationId?: string; tokenHash?: string }
  | { organizationId: string; emailCanonicals: string[] }
  /** The expiry sweep: up to `limit` invitations of any organization (only with EXPIRED). */
  | { expiredBefore: string; limit: number };

/**
 * What a transition writes. EXPIRED applies only to rows past their expiry, every other change only
 * to rows still live; PENDING is a re-send (a new link, perhaps a new expiry), which stays pending.
 */
export type PendingChange =
  | { status: 'ACCEPTED'; accepted_at: string }
  | { status: 'DECLINED'; declined_at: string }
  | { status: 'REVOKED'; revoked_at: string }
  | { status: 'EXPIRED' }
  | { status: 'PENDING'; token_hash: string; link_delivery: 'EMAIL'; expires_at?: string };

/**
 * The one guarded statement every transition out of PENDING goes through: it changes a row only if
 * it is still PENDING (and live, or past its expiry for EXPIRED), so of two concurrent transitions
 * exactly one wins. Returns the rows it changed, as they now are.
 */
export async function transitionPending(
  db: Executor,
  where: PendingSelector,
  now: string,
  change: PendingChange,
): Promise<InvitationRow[]> {
  const statement = (narrow: (query: PendingUpdate) => PendingUpdate) => {
    const query = db
      .updateTable('invitations')
      .set({ ...change, updated_at: now })
      .where('status', '=', 'PENDING')
      .where('expires_at', change.status === 'EXPIRED' ? '<=' : '>', now);
    return narrow(query).returningAll().execute();
  };
  if ('id' in where) {
    return statement((query) => {
      let narrowed = query.where('id', '=', where.id);
      if (where.organizationId) narrowed = narrowed.where('organization_id', '=', where.organizationId);
      if (where.tokenHash) narrowed = narrowed.where('token_hash', '=', where.tokenHash);
      return narrowed;
    });
  }
  if ('expiredBefore' in where) {
    // Two sweepers on PostgreSQL take different rows; the guard above still decides each one.
    const postgres = dialectOf(db) === 'postgres';
    return statement((query) =>
      query.where('id', 'in', (eb) => {
        const due = eb
          .selectFrom('invitations')
          .select('id')
          .where('status', '=', 'PENDING')
          .where('expires_at', '<=', where.expiredBefore)
          .orderBy('expires_at')
          .limit(where.limit);
        return postgres ? due.forUpdate().skipLocked() : due;
      }),
    );
  }
  const changed: InvitationRow[] = [];
  for (let start = 0; start < where.emailCanonicals.length; start += INSERT_CHUNK) {
    const emails = where.emailCanonicals.slice(start, start + INSERT_CHUNK);
    changed.push(
      ...(await statement((query) =>
        query.where('organization_id', '=', where.organizationId).where('email_canonical', 'in', emails),
      )),
    );
  }
  return changed;
}

type PendingUpdate = UpdateQueryBuilder<Database, 'invitations', 'invitations', UpdateResult>;

/** Which account accepted the invitation. */
export async function recordAcceptedUser(db: Executor, invitationId: string, userId: string): Promise<void> {
  await db.updateTable('invitations').set({ accepted_user_id: userId }).where('id', '=', invitationId).execute();
}

export interface InvitationPageQuery {
  organizationId: string;
  /** EXPIRED and PENDING as of `now` (a stored PENDING past its expiry lists as EXPIRED). */
  status?: StoredInvitationStatus | undefined;
  roleId?: string | undefined;
  emailCanonical?: string | undefined;
  order: 'asc' | 'desc';
  limit: number;
  after?: { createdAt: string; id: string } | undefined;
  now: string;
}

/**
 * One page in (created_at, id) order, starting after a keyset position: every page is an index
 * range scan that costs the same at any depth. Fetches one row more than asked to tell if another
 * page follows. EXPIRED and PENDING are derived from `expires_at` as of `now`.
 */
export function listInvitationPage(db: Executor, query: InvitationPageQuery): Promise<InvitationRow[]> {
  let select = db.selectFrom('invitations').selectAll().where('organization_id', '=', query.organizationId);
  switch (query.status) {
    case undefined:
      break;
    case 'PENDING':
      select = select.where('status', '=', 'PENDING').where('expires_at', '>', query.now);
      break;
    case 'EXPIRED':
      select = select
        .where('status', 'in', ['PENDING', 'EXPIRED'])
        .where((eb) => eb.or([eb('status', '=', 'EXPIRED'), eb('expires_at', '<=', query.now)]));
      break;
    default:
      select = select.where('status', '=', query.status);
  }
  if (query.roleId) select = select.where('role_id', '=', query.roleId);
  if (query.emailCanonical) select = select.where('email_canonical', '=', query.emailCanonical);
  if (query.after) {
    const { createdAt, id } = query.after;
    select = select.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), query.order === 'desc' ? '<' : '>', eb.tuple(createdAt, id)),
    );
  }
  return select
    .orderBy('created_at', query.order)
    .orderBy('id', query.order)
    .limit(query.limit + 1)
    .execute();
}

/** Counts one more delivery on each invitation whose email went out. */
export async function recordInvitationsSent(db: Executor, ids: string[], now: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('invitations')
    .set((eb) => ({ send_count: eb('send_count', '+', 1), last_sent_at: now }))
    .where('id', 'in', ids)
    .execute();
}

/** PENDING invitations that have not expired: what the per-organization cap counts. */
export async function countOpenPendingInvitations(db: Executor, organizationId: string, now: string): Promise<number> {
  const row = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'PENDING')
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** What decides whether a queued invitation email still goes out: each invitation's status, expiry and current link. */
export function findInvitationDeliveryStates(
  db: Executor,
  ids: string[],
): Promise<Array<Pick<InvitationRow, 'id' | 'status' | 'expires_at' | 'token_hash'>>> {
  return db
    .selectFrom('invitations')
    .select(['id', 'status', 'expires_at', 'token_hash'])
    .where('id', 'in', ids)
    .execute();
}
