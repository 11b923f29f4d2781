/**
 * The write floor of a created invitation: its two rows (the invitation and its queued email),
 * written straight through the database driver with prepared statements, as fast as one process
 * can, with no HTTP, no validation and no query builder. No implementation of this schema on one
 * event loop can create invitations faster than this; the create figure is read against it.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { secureRandomBytes } from '../src/auth/random-bytes.js';
import { randomToken, sha256 } from '../src/auth/secrets.js';
import { WAL_AUTOCHECKPOINT_PAGES } from '../src/db/create-db.js';
import { newId } from '../src/db/ids.js';
import { createOrganization } from '../src/modules/organizations/organization.service.js';
import { setupDatabase } from './support.js';

const INVITATION_SQL = `insert into invitations (id, organization_id, email, email_canonical, role_id, status, token_hash,
  inviter_client_id, expires_at, created_at, updated_at, send_count, link_delivery)
  values ($1, $2, $3, $3, $4, 'PENDING', $5, 'cli_floor', $6, $7, $7, 0, 'EMAIL')
  on conflict (organization_id, email_canonical) where status = 'PENDING' do nothing returning id`;
const OUTBOX_SQL = `insert into outbox (id, organization_id, invitation_id, kind, payload, secret, status, attempts,
  max_attempts, run_at, created_at, updated_at) values ($1, $2, $3, 'invitation_email', $4, $5, 'PENDING', 0, 8, $6, $6, $6)`;

/** One created invitation's parameters, made the way the service makes them. */
function rowsFor(n: number, organizationId: string, roleId: string): { invitation: unknown[]; outbox: unknown[] } {
  const now = new Date();
  const nowIso = now.toISOString();
  const id = newId();
  const email = `floor-${n}@bench.example`;
  const token = randomToken();
  const payload = JSON.stringify({
    invitationId: id,
    to: email,
    recipientName: null,
    inviterName: 'Owner',
    organizationName: 'Bench',
    roleName: 'Member',
    expiresAt: nowIso,
  });
  return {
    invitation: [
      id,
      organizationId,
      email,
      roleId,
      sha256(token),
      new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      nowIso,
    ],
    outbox: [newId(), organizationId, id, payload, secureRandomBytes(60).toString('base64url'), nowIso],
  };
}

/** A PostgreSQL-style statement (`$1`, a parameter used more than once) as a SQLite one (`?` each). */
function prepareForSqlite(db: Database.Database, text: string): (values: unknown[]) => void {
  const order: number[] = [];
  const statement = db.prepare(
    text.replace(/\$(\d)/g, (_match, digit: string) => {
      order.push(Number(digit) - 1);
      return '?';
    }),
  );
  return (values) => {
    const bound = order.map((index) => values[index]);
    if (statement.reader) statement.get(bound);
    else statement.run(bound);
  };
}

/** Invitations written per second, in a database of its own, over `seconds`. */
export async function measureWriteFloor(options: {
  postgres: boolean;
  pgUrl: string;
  seconds: number;
  concurrency: number;
}): Promise<number> {
  const setup = await setupDatabase({ postgres: options.postgres, pgUrl: options.pgUrl, prefix: 'tessera_floor' });
  try {
    const { organization, roles } = await createOrganization(setup.deps, {
      name: 'Floor',
      owner: { email: 'owner@floor.example' },
    });
    const roleId = roles.find((role) => role.name === 'Member')!.id;
    const deadline = performance.now() + options.seconds * 1000;
    let written = 0;
    if (!options.postgres) {
      // The way Tessera writes on SQLite: the requests in flight share one transaction (group commit).
      const db = new Database(setup.databaseUrl.slice('sqlite:'.length));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      const invitation = prepareForSqlite(db, INVITATION_SQL);
      const outbox = prepareForSqlite(db, OUTBOX_SQL);
      const group = db.transaction(() => {
        for (let i = 0; i < options.concurrency; i++) {
          const rows = rowsFor(written++, organization.id, roleId);
          invitation(rows.invitation);
          outbox(rows.outbox);
        }
      });
      const started = performance.now();
      while (performance.now() < deadline) group.immediate();
      const rate = written / ((performance.now() - started) / 1000);
      db.close();
      return rate;
    }
    // On PostgreSQL: a transaction per invitation, `concurrency` of them at once.
    const pool = new pg.Pool({ connectionString: setup.databaseUrl, max: options.concurrency });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        const client = await pool.connect();
        while (performance.now() < deadline) {
          const rows = rowsFor(written++, organization.id, roleId);
          await client.query('begin');
          await client.query({ name: 'floor-invitation', text: INVITATION_SQL, values: rows.invitation });
          await client.query({ name: 'floor-outbox', text: OUTBOX_SQL, values: rows.outbox });
          await client.query('commit');
        }
        client.release();
      }),
    );
    const rate = written / ((performance.now() - started) / 1000);
    await pool.end();
    return rate;
  } finally {
    await setup.cleanup();
  }
}
