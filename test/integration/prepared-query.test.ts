import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { newId } from '../../src/db/ids.js';
import { preparedQuery } from '../../src/db/prepared-query.js';
import { createServiceDeps, type ServiceDeps } from '../../src/deps.js';
import { insertPendingInvitations, type InvitationRow } from '../../src/modules/invitations/invitation.repository.js';
import { createOrganization } from '../../src/modules/organizations/organization.service.js';
import { insertOutboxMessages, type OutboxRow } from '../../src/modules/outbox/outbox.repository.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.js';

/** A whole invitation row, every column set (nothing left to a default). */
function invitationRow(organizationId: string, roleId: string, email: string): InvitationRow {
  return {
    id: newId(),
    organization_id: organizationId,
    email,
    email_canonical: email.toLowerCase(),
    role_id: roleId,
    status: 'PENDING',
    token_hash: `hash-${newId()}`,
    inviter_user_id: null,
    inviter_client_id: 'cli_test',
    first_name: 'Ada',
    last_name: null,
    permissions: '{"group":0,"read":[],"manage":[]}',
    metadata: '{"team":"blue"}',
    password_hash: null,
    redirect_url: 'https://app.example/welcome',
    expires_at: '2030-01-01T00:00:00.000Z',
    created_at: '2026-11-23T10:00:00.000Z',
    updated_at: '2026-11-23T10:00:00.000Z',
    accepted_at: null,
    accepted_user_id: null,
    declined_at: null,
    revoked_at: null,
    last_sent_at: null,
    send_count: 0,
    link_delivery: 'RESPONSE',
    locale: 'fr',
    message: 'Bienvenue !\nÀ bientôt.',
  };
}

for (const dialect of DIALECTS) {
  describe(`prepared queries [${dialect}]`, () => {
    let database: TestDatabase;
    let deps: ServiceDeps;
    let organizationId: string;
    let roleId: string;

    before(async () => {
      database = await createTestDatabase(dialect);
      deps = await createServiceDeps(loadConfig({ DATABASE_URL: database.url }), database.handle);
      const created = await createOrganization(deps, { name: 'Prepared', owner: { email: 'owner@prepared.example' } });
      organizationId = created.organization.id;
      roleId = created.roles.find((role) => role.name === 'Member')!.id;
    });
    after(() => database.drop());

    const readBack = (id: string) =>
      database.handle.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    // Text that JSON escapes (a bulk on PostgreSQL travels as one JSON parameter): quotes, a
    // backslash, a line break, a tab, characters outside the BMP and of other scripts.
    const awkward = 'O\'Brien "the 2nd" \\ line\nbreak\tand 🎉 Ünïcødé 日本';

    test('a single invitation (prepared insert) and a bulk (built insert) store every column the same way', async () => {
      const single = invitationRow(organizationId, roleId, 'Single@Prepared.example');
      const pair = [
        invitationRow(organizationId, roleId, 'one@prepared.example'),
        {
          ...invitationRow(organizationId, roleId, 'two@prepared.example'),
          first_name: awkward,
          metadata: JSON.stringify({ note: awkward }),
          send_count: 3,
          last_sent_at: '2026-11-23T10:00:00.123Z',
        },
      ];
      assert.deepEqual(await insertPendingInvitations(database.handle.db, [single]), new Set([single.id]));
      assert.deepEqual(await insertPendingInvitations(database.handle.db, pair), new Set(pair.map((row) => row.id)));
      for (const row of [single, ...pair]) assert.deepEqual(await readBack(row.id), row);
    });

    test('queued emails: one (prepared insert) and a bulk (built insert) store every column the same way', async () => {
      const invitations = ['mail-1@prepared.example', 'mail-2@prepared.example', 'mail-3@prepared.example'].map(
        (email) => invitationRow(organizationId, roleId, email),
      );
      await insertPendingInvitations(database.handle.db, invitations);
      const message = (invitation: InvitationRow, extra: Partial<OutboxRow> = {}): OutboxRow => ({
        id: newId(),
        organization_id: organizationId,
        invitation_id: invitation.id,
        kind: 'invitation_email',
        payload: JSON.stringify({ invitationId: invitation.id, to: invitation.email, inviterName: awkward }),
        secret: 'sealed-secret',
        status: 'PENDING',
        attempts: 0,
        max_attempts: 8,
        run_at: '2026-11-23T10:00:00.000Z',
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: '2026-11-23T10:00:00.000Z',
        updated_at: '2026-11-23T10:00:00.000Z',
        sent_at: null,
        ...extra,
      });
      const single = message(invitations[0]!);
      const bulk = [
        message(invitations[1]!),
        message(invitations[2]!, { organization_id: null, secret: null, last_error: awkward, attempts: 2 }),
      ];
      await insertOutboxMessages(database.handle.db, [single]);
      await insertOutboxMessages(database.handle.db, bulk);
      for (const row of [single, ...bulk]) {
        assert.deepEqual(
          await database.handle.db.selectFrom('outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow(),
          row,
        );
      }
    });

    test('the prepared insert keeps the one-PENDING-per-address rule: a second one is skipped, not written', async () => {
      const first = invitationRow(organizationId, roleId, 'twice@prepared.example');
      const second = invitationRow(organizationId, roleId, 'twice@prepared.example');
      assert.deepEqual(await insertPendingInvitations(database.handle.db, [first]), new Set([first.id]));
      assert.deepEqual(await insertPendingInvitations(database.handle.db, [second]), new Set());
      const rows = await database.handle.db
        .selectFrom('invitations')
        .select('id')
        .where('email_canonical', '=', 'twice@prepared.example')
        .execute();
      assert.deepEqual(rows, [{ id: first.id }]);
    });

    test('each run binds its own arguments, on the database and in a transaction', async () => {
      const byEmail = preparedQuery(
        ['organizationId', 'email'],
        (db, args: { organizationId: string; email: string }) =>
          db
            .selectFrom('invitations')
            .select('first_name')
            .where('organization_id', '=', args.organizationId)
            .where('email_canonical', '=', args.email),
      );
      const other = await createOrganization(deps, { name: 'Other', owner: { email: 'owner@other.example' } });
      const theirs = invitationRow(other.organization.id, other.roles[0]!.id, 'shared@prepared.example');
      const ours = invitationRow(organizationId, roleId, 'shared@prepared.example');
      await insertPendingInvitations(database.handle.db, [{ ...theirs, first_name: 'Theirs' }]);
      await insertPendingInvitations(database.handle.db, [{ ...ours, first_name: 'Ours' }]);

      assert.deepEqual(await byEmail(database.handle.db, { organizationId, email: 'shared@prepared.example' }), [
        { first_name: 'Ours' },
      ]);
      assert.deepEqual(
        await byEmail(database.handle.db, { organizationId: other.organization.id, email: 'shared@prepared.example' }),
        [{ first_name: 'Theirs' }],
      );
      assert.deepEqual(await byEmail(database.handle.db, { organizationId, email: 'nobody@prepared.example' }), []);
      const inTransaction = await deps.transact((trx) =>
        byEmail(trx, { organizationId, email: 'shared@prepared.example' }),
      );
      assert.deepEqual(inTransaction, [{ first_name: 'Ours' }]);
    });

    test('an argument left undefined is refused before anything reaches the database', async () => {
      const row = invitationRow(organizationId, roleId, 'partial@prepared.example');
      const partial = { ...row, metadata: undefined } as unknown as InvitationRow;
      await assert.rejects(insertPendingInvitations(database.handle.db, [partial]), /no value for "metadata"/);
      const found = await database.handle.db
        .selectFrom('invitations')
        .select('id')
        .where('id', '=', row.id)
        .executeTakeFirst();
      assert.equal(found, undefined);
    });
  });
}
