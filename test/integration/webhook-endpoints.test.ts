import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  bearer,
  createTestOrganization,
  platformToken,
  problem,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { MAX_ENDPOINTS } from '../../src/modules/webhooks/webhook-endpoint.service.js';
import { DIALECTS } from '../helpers/test-db.js';

const PUBLIC_URL = 'https://93.184.215.14/hooks/tessera';

for (const dialect of DIALECTS) {
  describe(`webhook endpoints [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let other: TestOrganization;
    let base: string;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
      base = `/v1/organizations/${org.organization.id}/webhook-endpoints`;
    });
    after(() => t.close());

    async function create(payload: Record<string, unknown>, token = org.token, url = base) {
      return t.app.inject({ method: 'POST', url, headers: bearer(token), payload });
    }

    const countEndpoints = async () =>
      Number(
        (
          await t.deps.db
            .selectFrom('webhook_endpoints')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('create shows the secret once; reads, lists and the database never show it', async () => {
      const response = await create({ url: PUBLIC_URL, eventTypes: ['invitation.created'], description: 'CRM sync' });
      assert.equal(response.statusCode, 201, response.body);
      const created = response.json();
      assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.equal(Buffer.from(created.secret.slice(6), 'base64').length, 32);
      assert.deepEqual(
        { url: created.url, eventTypes: created.eventTypes, enabled: created.enabled, org: created.organizationId },
        { url: PUBLIC_URL, eventTypes: ['invitation.created'], enabled: true, org: org.organization.id },
      );
      const read = await t.app.inject({ method: 'GET', url: `${base}/${created.id}`, headers: bearer(org.token) });
      assert.equal(read.statusCode, 200, read.body);
      const list = await t.app.inject({ method: 'GET', url: base, headers: bearer(org.token) });
      for (const body of [read.body, list.body]) assert.ok(!body.includes(created.secret.slice(6)), 'no secret');
      assert.equal(read.json().secret, undefined);
      const stored = await t.deps.db.selectFrom('webhook_endpoints').selectAll().execute();
      assert.ok(!JSON.stringify(stored).includes(created.secret.slice(6)), 'sealed at rest');
      assert.ok(!t.logs.join('').includes(created.secret.slice(6)), 'never logged');
    });

    test('change, disable, rotate (the new secret shown once), delete', async () => {
      const created = (await create({ url: PUBLIC_URL, eventTypes: ['*'] })).json();
      const changed = await t.app.inject({
        method: 'PATCH',
        url: `${base}/${created.id}`,
        headers: bearer(org.token),
        payload: { eventTypes: ['invitation.accepted', 'invitation.revoked'], enabled: false },
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(changed.json().eventTypes, ['invitation.accepted', 'invitation.revoked']);
      assert.equal(changed.json().enabled, false);
      const rotated = await t.app.inject({
        method: 'POST',
        url: `${base}/${created.id}/rotate-secret`,
        headers: bearer(org.token),
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.match(rotated.json().secret, /^whsec_/);
      assert.notEqual(rotated.json().secret, created.secret);
      const row = await t.deps.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.previous_secret && row.previous_secret_until);
      assert.equal(
        Date.parse(row.previous_secret_until) - Date.parse(rotated.json().updatedAt),
        24 * 3600 * 1000,
        'the old secret signs 24 hours more',
      );
      const removed = await t.app.inject({
        method: 'DELETE',
        url: `${base}/${created.id}`,
        headers: bearer(org.token),
      });
      assert.equal(removed.statusCode, 204, removed.body);
      const gone = await t.app.inject({ method: 'GET', url: `${base}/${created.id}`, headers: bearer(org.token) });
      assert.equal(problem(gone).code, 'WEBHOOK_ENDPOINT_NOT_FOUND');
    });

    test("another organization's endpoints are 404 by every route, and never listed", async () => {
      const theirs = (
        await create(
          { url: PUBLIC_URL, eventTypes: ['*'] },
          other.token,
          `/v1/organizations/${other.organization.id}/webhook-endpoints`,
        )
      ).json();
      const before = await countEndpoints();
      for (const [method, suffix, payload] of [
        ['GET', '', undefined],
        ['PATCH', '', { enabled: false }],
        ['DELETE', '', undefined],
        ['POST', '/rotate-secret', undefined],
      ] as const) {
        const response = await t.app.inject({
          method,
          url: `${base}/${theirs.id}${suffix}`,
          headers: bearer(org.token),
          ...(payload ? { payload } : {}),
        });
        assert.equal(problem(response).code, 'WEBHOOK_ENDPOINT_NOT_FOUND', `${method} ${suffix}`);
      }
      const throughTheirPath = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${other.organization.id}/webhook-endpoints/${theirs.id}`,
        headers: bearer(org.token),
      });
      assert.equal(throughTheirPath.statusCode, 404);
      const list = await t.app.inject({ method: 'GET', url: `${base}?limit=100`, headers: bearer(org.token) });
      assert.ok(!list.json().data.some((endpoint: { id: string }) => endpoint.id === theirs.id));
      assert.equal(await countEndpoints(), before);
      const untouched = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${other.organization.id}/webhook-endpoints/${theirs.id}`,
        headers: bearer(other.token),
      });
      assert.equal(untouched.json().enabled, true);
    });

    test('platform endpoints: only platform clients, and an organization never sees them', async () => {
      const platform = await platformToken(t);
      const created = await create({ url: PUBLIC_URL, eventTypes: ['*'] }, platform, '/v1/webhook-endpoints');
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().organizationId, null);
      const refused = await t.app.inject({ method: 'GET', url: '/v1/webhook-endpoints', headers: bearer(org.token) });
      assert.equal(refused.statusCode, 403, refused.body);
      const asOrg = await t.app.inject({
        method: 'GET',
        url: `${base}/${created.json().id}`,
        headers: bearer(org.token),
      });
      assert.equal(asOrg.statusCode, 404);
    });

    test('URLs to private, loopback, link-local, metadata or plain-http addresses: 400 naming url, nothing written', async () => {
      const before = await countEndpoints();
      for (const url of [
        'https://127.0.0.1/hook',
        'https://10.0.0.1/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/hook',
        'https://[fc00::1]/hook',
        'https://localhost/hook',
        'http://93.184.215.14/hook',
        'https://user:pass@93.184.215.14/hook',
        'not a url',
      ]) {
        const response = await create({ url, eventTypes: ['*'] });
        assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
        const body = response.json();
        assert.ok(
          body.errors?.some((error: { field: string }) => error.field === 'url'),
          `${url}: ${response.body}`,
        );
      }
      const mixed = await create({ url: PUBLIC_URL, eventTypes: ['*', 'invitation.created'] });
      assert.equal(mixed.statusCode, 400, mixed.body);
      const unknown = await create({ url: PUBLIC_URL, eventTypes: ['invitation.nope'] });
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.equal(await countEndpoints(), before);
    });

    test('at most MAX_ENDPOINTS per organization, even when created all at once: then a 409, nothing written', async () => {
      const crowded = await createTestOrganization(t);
      const url = `/v1/organizations/${crowded.organization.id}/webhook-endpoints`;
      const attempts = await Promise.all(
        Array.from({ length: MAX_ENDPOINTS + 5 }, () =>
          create({ url: PUBLIC_URL, eventTypes: ['*'] }, crowded.token, url),
        ),
      );
      const statuses = attempts.map((response) => response.statusCode);
      assert.equal(statuses.filter((status) => status === 201).length, MAX_ENDPOINTS, String(statuses));
      assert.equal(statuses.filter((status) => status === 409).length, 5, String(statuses));
      assert.equal(problem(attempts.find((response) => response.statusCode === 409)!).code, 'WEBHOOK_ENDPOINT_LIMIT');
      const stored = await t.deps.db
        .selectFrom('webhook_endpoints')
        .select('id')
        .where('organization_id', '=', crowded.organization.id)
        .execute();
      assert.equal(stored.length, MAX_ENDPOINTS);
      // Another organization's count is its own.
      const elsewhere = await create(
        { url: PUBLIC_URL, eventTypes: ['*'] },
        other.token,
        `/v1/organizations/${other.organization.id}/webhook-endpoints`,
      );
      assert.equal(elsewhere.statusCode, 201, elsewhere.body);
    });
  });
}
