import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runSample, sample, type Replacement } from '../helpers/doc-samples.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  jsonOf,
  createTestOrganization,
  listen,
  startTestApp,
  tamper,
  waitForOutboxSettled,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

const DOC_HOST = 'https://cloud.smartdocumentor.net';
const DOC_TOKEN = '{your access token here}';
/** The document's sample address, as its web page printed it (an obfuscated email). */
const DOC_EMAIL = '[email protected]';

for (const dialect of DIALECTS) {
  describe(`external/tenant inviteusers document [${dialect}]`, () => {
    let t: TestApp;
    let base: string;
    let org: TestOrganization;
    let other: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true });
      base = await listen(t);
      org = await createTestOrganization(t, 'Tenant');
      other = await createTestOrganization(t, 'Other Tenant');
      await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${other.organization.id}/roles`,
        headers: bearer(other.token),
        payload: { name: 'Auditor' },
      });
    });
    after(() => t.close());

    const replacements = (email = DOC_EMAIL): Replacement[] => [
      [DOC_HOST, base],
      [DOC_TOKEN, org.token],
      ...(email === DOC_EMAIL ? [] : ([[DOC_EMAIL, email]] as Replacement[])),
    ];

    const inviteUsers = (body: unknown, headers: Record<string, string> = bearer(org.token)) =>
      fetch(`${base}/api/v1.0/external/tenant/inviteusers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    test('the samples as printed: the documented 400 for the address the page shows', async () => {
      const curl = await runSample('curl', sample('tenant-inviteusers.curl.sh', replacements()));
      assert.deepEqual(JSON.parse(curl.stdout), {
        title: 'Bad Request',
        status: 400,
        detail: "The email address '[email protected]' is not valid.",
      });
      const python = await runSample('python', sample('tenant-inviteusers.requests.py', replacements()));
      assert.equal(python.status, 0, python.stderr);
      assert.deepEqual(JSON.parse(python.stdout), JSON.parse(curl.stdout));
      const node = await runSample('node', sample('tenant-inviteusers.fetch.js', replacements()));
      assert.equal(node.status, 0, node.stderr);
      assert.deepEqual(JSON.parse(node.stdout), JSON.parse(curl.stdout));
    });

    test('the curl sample with a real address: an empty 200, and the email arrives', async () => {
      const run = await runSample(
        'curl',
        sample('tenant-inviteusers.curl.sh', replacements('new.admin@example.com')).replace(
          "curl -X 'POST'",
          "curl -s -w '%{http_code}' -X 'POST'",
        ),
      );
      assert.equal(run.stdout, '200');
      const mail = (await t.smtp!.waitFor(1)).find((m) => m.to === 'new.admin@example.com');
      assert.ok(mail);
      assert.match(mail.text, /join Tenant as Administrator/);
    });

    test('the Python sample with a real address prints the empty body', async () => {
      const run = await runSample(
        'python',
        sample('tenant-inviteusers.requests.py', replacements('py.admin@example.com')),
      );
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, '');
      assert.ok((await t.smtp!.waitFor(2)).some((m) => m.to === 'py.admin@example.com'));
    });

    test('the fetch sample with a real address: its role "Some Name" is not available', async () => {
      const run = await runSample('node', sample('tenant-inviteusers.fetch.js', replacements('js.user@example.com')));
      assert.equal(run.status, 0, run.stderr);
      const problem = JSON.parse(run.stdout);
      assert.equal(problem.status, 400);
      assert.match(problem.detail, /^The role 'Some Name' is not available\./);
    });

    test("availableroles lists the tenant's roles by name", async () => {
      const response = await fetch(`${base}/api/v1.0/external/tenant/availableroles`, { headers: bearer(org.token) });
      assert.equal(response.status, 200);
      const roles = await jsonOf(response);
      assert.deepEqual(
        roles.map((role: { name: string }) => role.name),
        ['Owner', 'Administrator', 'Member', 'Viewer'],
      );
      assert.ok(roles.every((role: { description: string }) => typeof role.description === 'string'));
    });

    test('every refusal is a {title, status, detail} 400, and one bad user writes and sends nothing', async () => {
      const queued = (await waitForOutboxSettled(t)).length;
      const before = (await t.deps.db.selectFrom('invitations').select('id').execute()).length;
      const sent = t.smtp!.received.length;
      const cases: Array<[unknown, string]> = [
        [
          {
            users: [
              { email: 'a@example.com', roleName: 'Member' },
              { email: 'string', roleName: 'Member' },
            ],
          },
          "The email address 'string' is not valid.",
        ],
        [
          {
            users: [
              { email: 'twin@example.com', roleName: 'Member' },
              { email: 'TWIN@example.com', roleName: 'Member' },
            ],
          },
          "The email address 'TWIN@example.com' appears more than once. Duplicate emails are not allowed.",
        ],
        [
          { users: [{ email: 'a@example.com', roleName: 'Auditor' }] },
          "The role 'Auditor' is not available. Choose one from /api/v1.0/external/tenant/availableroles.",
        ],
        [
          {
            users: [
              { email: 'a@example.com', roleName: 'Member' },
              { email: 'NEW.ADMIN@example.com', roleName: 'Member' },
            ],
          },
          "The email address 'NEW.ADMIN@example.com' already has a pending invitation.",
        ],
        [
          { users: [{ email: org.owner!.email, roleName: 'Viewer' }] },
          `The user '${org.owner!.email}' is already a member of this tenant.`,
        ],
      ];
      for (const [body, detail] of cases) {
        const response = await inviteUsers(body);
        assert.equal(response.status, 400);
        assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        assert.deepEqual(await jsonOf(response), { title: 'Bad Request', status: 400, detail });
      }
      for (const body of [
        { users: [] },
        {},
        { users: Array.from({ length: 101 }, (_, i) => ({ email: `u${i}@example.com`, roleName: 'Member' })) },
        '{"users": [',
      ]) {
        const response = await inviteUsers(body);
        assert.equal(response.status, 400);
        assert.deepEqual(Object.keys(await jsonOf(response)), ['title', 'status', 'detail']);
      }
      const wrongType = await inviteUsers('<users/>', { ...bearer(org.token), 'content-type': 'application/xml' });
      assert.equal(wrongType.status, 415);
      assert.deepEqual(Object.keys(await jsonOf(wrongType)), ['title', 'status', 'detail']);
      assert.equal((await t.deps.db.selectFrom('invitations').select('id').execute()).length, before);
      assert.equal((await waitForOutboxSettled(t)).length, queued, 'nothing was queued');
      assert.equal(t.smtp!.received.length, sent, 'nothing was sent');
    });

    test('no or bad credentials: 401 problem details that say what the endpoint takes', async () => {
      for (const headers of [{}, bearer('nope'), bearer(tamper(other.token))]) {
        const response = await inviteUsers({ users: [{ email: 'a@example.com', roleName: 'Member' }] }, headers);
        assert.equal(response.status, 401);
        const body = await jsonOf(response);
        assert.deepEqual(body, {
          title: 'Unauthorized',
          status: 401,
          detail:
            'This endpoint takes an organization API client\'s access token: send it as "Authorization: Bearer <token>".',
        });
        const roles = await fetch(`${base}/api/v1.0/external/tenant/availableroles`, { headers });
        assert.equal(roles.status, 401);
      }
    });

    test('every request under /api/v1.0/external/tenant/ answers {title, status, detail} and nothing more', async () => {
      const requests: Array<[string, string, RequestInit, number]> = [
        ['GET', '/api/v1.0/external/tenant/inviteusers', {}, 404],
        [
          'PUT',
          '/api/v1.0/external/tenant/inviteusers',
          { body: '{}', headers: { 'content-type': 'application/json' } },
          404,
        ],
        ['POST', '/api/v1.0/external/tenant/availableroles', {}, 404],
        ['GET', '/api/v1.0/external/tenant/unknown', {}, 404],
        ['GET', '/api/v1.0/external/tenant', {}, 404],
        [
          'POST',
          '/api/v1.0/external/tenant/inviteusers',
          {
            body: JSON.stringify({ users: [{ email: `${'a'.repeat(1_100_000)}@x.com`, roleName: 'Member' }] }),
            headers: { 'content-type': 'application/json' },
          },
          413,
        ],
        [
          'POST',
          '/api/v1.0/external/tenant/inviteusers',
          { body: 'users=x', headers: { 'content-type': 'text/plain' } },
          415,
        ],
        ['GET', '/api/v1.0/external/tenant/%E0%A4%A', {}, 400],
      ];
      for (const [method, path, init, status] of requests) {
        const response = await fetch(`${base}${path}`, {
          ...init,
          method,
          headers: { ...bearer(org.token), ...(init.headers as Record<string, string>) },
        });
        assert.equal(response.status, status, `${method} ${path}`);
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, `${method} ${path}`);
        const body = await jsonOf(response);
        assert.deepEqual(
          Object.keys(body),
          ['title', 'status', 'detail'],
          `${method} ${path}: ${JSON.stringify(body)}`,
        );
        assert.equal(body.status, status);
      }
    });

    test('a 500 ends its detail with the trace id', async () => {
      const broken = await startTestApp(dialect);
      const brokenOrg = await createTestOrganization(broken);
      await broken.database.handle.close();
      const response = await broken.app.inject({
        method: 'POST',
        url: '/api/v1.0/external/tenant/inviteusers',
        headers: bearer(brokenOrg.token),
        payload: { users: [{ email: 'a@example.com', roleName: 'Member' }] },
      });
      assert.equal(response.statusCode, 500);
      assert.deepEqual(response.json(), {
        title: 'Internal Server Error',
        status: 500,
        detail: `A server error occurred while processing your request. Please try again later. Trace ID: ${response.headers['x-request-id']}`,
      });
      await broken.close().catch(() => undefined);
    });
  });
}
