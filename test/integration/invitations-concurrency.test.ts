import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { linkToken } from '../helpers/links.js';

for (const dialect of DIALECTS) {
  describe(`invitations under concurrency [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let base: string;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
      base = `/v1/organizations/${org.organization.id}`;
    });
    after(() => t.close());

    test('50 concurrent accepts of one link: exactly one membership', async () => {
      const { acceptUrl } = (
        await t.app.inject({
          method: 'POST',
          url: `${base}/invitations`,
          headers: bearer(org.token),
          payload: { email: 'race@example.com', sendEmail: false },
        })
      ).json();
      const token = linkToken(acceptUrl);
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          t.app.inject({
            method: 'POST',
            url: '/v1/invitations/accept',
            payload: { token, password: 'Race-cond1tion!' },
          }),
        ),
      );
      const statuses = responses.map((response) => response.statusCode);
      assert.equal(statuses.filter((status) => status === 200).length, 1, JSON.stringify(statuses));
      assert.equal(statuses.filter((status) => status === 404).length, 49);
      const memberships = await t.deps.db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('memberships.id')
        .where('users.email_canonical', '=', 'race@example.com')
        .execute();
      assert.equal(memberships.length, 1);
      const users = await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email_canonical', '=', 'race@example.com')
        .execute();
      assert.equal(users.length, 1);
    });

    test('50 concurrent invitations of one address in mixed case: exactly one PENDING', async () => {
      const spellings = [
        'Twin@Example.com',
        'twin@example.com',
        'TWIN@EXAMPLE.COM',
        'tWiN@eXaMpLe.CoM',
        'Twin@example.COM',
      ];
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          t.app.inject({
            method: 'POST',
            url: `${base}/invitations`,
            headers: bearer(org.token),
            payload: { email: spellings[index % spellings.length] },
          }),
        ),
      );
      const statuses = responses.map((response) => response.statusCode);
      assert.equal(statuses.filter((status) => status === 201).length, 1, JSON.stringify(statuses));
      assert.equal(statuses.filter((status) => status === 409).length, 49);
      assert.ok(
        responses.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'INVITATION_ALREADY_PENDING'),
      );
      const rows = await t.deps.db
        .selectFrom('invitations')
        .select('id')
        .where('organization_id', '=', org.organization.id)
        .where('email_canonical', '=', 'twin@example.com')
        .where('status', '=', 'PENDING')
        .execute();
      assert.equal(rows.length, 1);
      const outbox = await t.deps.db
        .selectFrom('outbox')
        .select('id')
        .where('invitation_id', '=', rows[0]!.id)
        .execute();
      assert.equal(outbox.length, 1, 'one email queued');
    });

    test('walking every page while invitations are being created returns each one exactly once', async () => {
      const initial = 120;
      const bulk = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/bulk`,
        headers: bearer(org.token),
        payload: {
          invitations: Array.from({ length: initial }, (_, i) => ({
            email: `walk-${i}@example.com`,
            sendEmail: false,
          })),
        },
      });
      assert.equal(bulk.json().summary.created, initial);
      const existing = new Set<string>(
        (
          await t.deps.db
            .selectFrom('invitations')
            .select('id')
            .where('organization_id', '=', org.organization.id)
            .execute()
        ).map((row) => row.id),
      );

      let inserting = true;
      let inserted = 0;
      const writer = (async () => {
        while (inserting) {
          await t.app.inject({
            method: 'POST',
            url: `${base}/invitations`,
            headers: bearer(org.token),
            payload: { email: `during-${inserted++}@example.com`, sendEmail: false },
          });
        }
      })();

      for (const order of ['desc', 'asc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const query = new URLSearchParams({ limit: '7', order, ...(cursor ? { cursor } : {}) });
          const page = await t.app.inject({ url: `${base}/invitations?${query}`, headers: bearer(org.token) });
          assert.equal(page.statusCode, 200, page.body);
          const body = page.json();
          seen.push(...body.data.map((row: { id: string }) => row.id));
          cursor = body.nextCursor;
          pages++;
          await new Promise((resolve) => setImmediate(resolve));
        } while (cursor && pages < 1000);
        assert.equal(new Set(seen).size, seen.length, `${order}: no invitation twice`);
        for (const id of existing)
          assert.ok(seen.includes(id), `${order}: every invitation that existed throughout is returned`);
      }
      inserting = false;
      await writer;
      assert.ok(inserted > 0, 'invitations were created during the walk');
    });
  });
}
