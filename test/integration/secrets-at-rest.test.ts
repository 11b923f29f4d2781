import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { linkToken } from '../helpers/links.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const SCRYPT = /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/;

/** Every text value of every row of every table, to search for a secret that must not be there. */
async function everyStoredValue(t: TestApp): Promise<string> {
  const tables = [
    'organizations',
    'roles',
    'users',
    'memberships',
    'api_clients',
    'sessions',
    'invitations',
    'outbox',
    'idempotency_keys',
  ];
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.deps.db);
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

for (const dialect of DIALECTS) {
  describe(`secrets at rest [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t, 'At Rest Org');
    });
    after(() => t.close());

    test('passwords and client secrets are stored as scrypt hashes, session and link tokens as SHA-256: no secret is in any table', async () => {
      const sessionToken = await sessionFor(t, org);
      const invited = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: { ...bearer(org.token), 'idempotency-key': 'at-rest-1' },
        payload: { email: 'at-rest@example.com', sendEmail: false },
      });
      assert.equal(invited.statusCode, 201, invited.body);
      const invitationToken = linkToken(invited.json().acceptUrl);

      const owner = await t.deps.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', org.owner!.id)
        .executeTakeFirstOrThrow();
      assert.match(owner.password_hash!, SCRYPT);
      const client = await t.deps.db
        .selectFrom('api_clients')
        .select('secret_hash')
        .where('client_id', '=', org.clientId)
        .executeTakeFirstOrThrow();
      assert.match(client.secret_hash, SCRYPT);
      const sessions = await t.deps.db.selectFrom('sessions').select('token_hash').execute();
      assert.ok(
        sessions.some((row) => row.token_hash === sha256(sessionToken)),
        'the session is found by its hash',
      );
      const invitation = await t.deps.db
        .selectFrom('invitations')
        .select('token_hash')
        .where('id', '=', invited.json().id)
        .executeTakeFirstOrThrow();
      assert.equal(invitation.token_hash, sha256(invitationToken));

      const stored = await everyStoredValue(t);
      for (const [name, secret] of Object.entries({
        password: org.ownerPassword,
        clientSecret: org.clientSecret,
        accessToken: org.token,
        sessionToken,
        linkToken: invitationToken,
      })) {
        assert.ok(!stored.includes(secret), `the ${name} is stored nowhere in plain text`);
      }
    });
  });
}
