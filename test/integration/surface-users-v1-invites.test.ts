import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '../../src/modules/clients/client.service.js';
import { createOrganization } from '../../src/modules/organizations/organization.service.js';
import { runSample, sample } from '../helpers/doc-samples.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  jsonOf,
  createTestOrganization,
  listen,
  platformToken,
  startTestApp,
  tamper,
  tokenFor,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

const DOC_HOST = 'https://api-sandbox.contasimples.com';
const DOC_ROLE_ID = '550e8400-e29b-41d4-a716-446655440000';
const UNAUTHORIZED = {
  error: 'Unauthorized',
  message: 'Authentication required. Please provide a valid API token',
  code: 401,
};
const NOT_FOUND = { error: 'Not Found', message: 'The requested resource was not found', code: 404 };
const BAD_REQUEST_MESSAGE = 'The request contains invalid parameters or malformed data';

for (const dialect of DIALECTS) {
  describe(`users/v1 invites: create-invite and list-invites documents [${dialect}]`, () => {
    let t: TestApp;
    let base: string;
    let org: TestOrganization;
    let other: TestOrganization;
    let memberRoleId: string;
    let adminRoleId: string;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true });
      base = await listen(t);
      org = await createTestOrganization(t, 'Conta Co');
      other = await createTestOrganization(t, 'Other Co');
      memberRoleId = org.roles.find((role) => role.name === 'Member')!.id;
      adminRoleId = org.roles.find((role) => role.name === 'Administrator')!.id;
    });
    after(() => t.close());

    const post = (body: unknown, headers: Record<string, string> = bearer(org.token)) =>
      fetch(`${base}/users/v1/invites`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    async function revokePending(email: string): Promise<void> {
      const list = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/invitations?status=PENDING&email=${encodeURIComponent(email)}`,
        headers: bearer(org.token),
      });
      for (const invitation of list.json().data) {
        await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${org.organization.id}/invitations/${invitation.id}/revoke`,
          headers: bearer(org.token),
        });
      }
    }

    const createReplacements = () =>
      [
        [DOC_HOST, base],
        ['YOUR_API_TOKEN', org.token],
        [DOC_ROLE_ID, adminRoleId],
      ] as Array<[string, string]>;

    test('the curl sample creates the invite, and the email arrives', async () => {
      const run = await runSample('curl', sample('create-invite.curl.sh', createReplacements()));
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { message: 'Invite created.' });
      const mail = (await t.smtp!.waitFor(1)).find((m) => m.to === 'user@company.com');
      assert.ok(mail, 'the invitation email reached the SMTP server');
      assert.match(mail.text, /invited you to join Conta Co as Administrator/);
      // The company's MAIN user is the inviter.
      assert.match(mail.subject, new RegExp(`^${org.owner!.email.replace(/[.+]/g, '\\$&')} invited you`));
      const lookup = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/lookup',
        payload: { token: SmtpSink.token(mail) },
      });
      assert.equal(lookup.json().role.id, adminRoleId);
    });

    test('the Python requests sample prints the documented answer', async () => {
      await revokePending('user@company.com');
      const run = await runSample('python', sample('create-invite.requests.py', createReplacements()));
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "{'message': 'Invite created.'}");
    });

    test('the JavaScript fetch sample prints the documented answer', async () => {
      await revokePending('user@company.com');
      const run = await runSample('node', sample('create-invite.fetch.mjs', createReplacements()));
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "{ message: 'Invite created.' }");
    });

    test('the same address again, in any letter case, or a member: 400 with details', async () => {
      const again = await post({ roleId: memberRoleId, email: 'USER@Company.com' });
      assert.equal(again.status, 400);
      assert.deepEqual(await jsonOf(again), {
        error: 'Bad Request',
        message: BAD_REQUEST_MESSAGE,
        code: 400,
        details: [{ field: 'email', message: 'An invite for this email is already pending' }],
      });
      const member = await post({ roleId: memberRoleId, email: org.owner!.email.toUpperCase() });
      assert.equal(member.status, 400);
      assert.deepEqual((await jsonOf(member)).details, [
        { field: 'email', message: 'This user is already a member of the company' },
      ]);
    });

    test('invalid fields: 400 in the documented shape, and nothing is written', async () => {
      const before = await t.deps.db.selectFrom('invitations').select('id').execute();
      const cases: Array<[unknown, Array<{ field: string; message: string }>]> = [
        [{ roleId: memberRoleId, email: 'not-an-email' }, [{ field: 'email', message: 'Invalid email format' }]],
        [
          { roleId: memberRoleId, email: 'a@example.com\r\nBcc: x@example.com' },
          [{ field: 'email', message: 'Invalid email format' }],
        ],
        [{ roleId: 'uuid-role-id', email: 'a@example.com' }, [{ field: 'roleId', message: 'Must be a v4 UUID' }]],
        [
          { roleId: '550e8400-e29b-11d4-a716-446655440000', email: 'a@example.com' },
          [{ field: 'roleId', message: 'Must be a v4 UUID' }],
        ],
        [
          { roleId: DOC_ROLE_ID, email: 'a@example.com' },
          [{ field: 'roleId', message: 'Role not found in this company' }],
        ],
        [
          { roleId: other.roles.find((role) => role.name === 'Member')!.id, email: 'a@example.com' },
          [{ field: 'roleId', message: 'Role not found in this company' }],
        ],
        [{ email: 'a@example.com' }, [{ field: 'roleId', message: 'is required' }]],
        [{ roleId: memberRoleId }, [{ field: 'email', message: 'is required' }]],
        [{ roleId: memberRoleId, email: 42 }, [{ field: 'email', message: 'Invalid email format' }]],
      ];
      for (const [body, details] of cases) {
        const response = await post(body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.deepEqual(
          await jsonOf(response),
          { error: 'Bad Request', message: BAD_REQUEST_MESSAGE, code: 400, details },
          JSON.stringify(body),
        );
      }
      const malformed = await post('{"roleId": ');
      assert.equal(malformed.status, 400);
      const malformedBody = await jsonOf(malformed);
      assert.equal(malformedBody.error, 'Bad Request');
      assert.equal(malformedBody.message, BAD_REQUEST_MESSAGE);
      assert.equal(malformedBody.details[0].field, 'body');
      const wrongType = await fetch(`${base}/users/v1/invites`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...bearer(org.token) },
        body: 'roleId=x',
      });
      assert.equal(wrongType.status, 415);
      assert.deepEqual(Object.keys(await jsonOf(wrongType)), ['error', 'message', 'code']);
      assert.equal((await t.deps.db.selectFrom('invitations').select('id').execute()).length, before.length);
    });

    test('details name every bad field, and bad input is a 400 even for a company without a MAIN user', async () => {
      const { organization } = await createOrganization(t.deps, { name: 'Ownerless Validation Co' });
      const client = await createClient(t.deps, { organizationId: organization.id });
      const ownerless = bearer(await tokenFor(t, client.clientId, client.clientSecret));
      const cases: Array<[unknown, Array<{ field: string; message: string }>]> = [
        [
          { roleId: 'bad', email: 'bad' },
          [
            { field: 'roleId', message: 'Must be a v4 UUID' },
            { field: 'email', message: 'Invalid email format' },
          ],
        ],
        [
          {},
          [
            { field: 'roleId', message: 'is required' },
            { field: 'email', message: 'is required' },
          ],
        ],
        [
          { roleId: 7, email: 'bad' },
          [
            { field: 'roleId', message: 'Must be a v4 UUID' },
            { field: 'email', message: 'Invalid email format' },
          ],
        ],
      ];
      for (const headers of [bearer(org.token), ownerless]) {
        for (const [body, details] of cases) {
          const response = await post(body, headers);
          assert.equal(response.status, 400, JSON.stringify(body));
          assert.deepEqual(
            await jsonOf(response),
            { error: 'Bad Request', message: BAD_REQUEST_MESSAGE, code: 400, details },
            JSON.stringify(body),
          );
        }
      }
      // A valid body for the company without a MAIN user is still the documented 404.
      const valid = await post({ roleId: memberRoleId.replace(/^./, 'a'), email: 'fine@example.com' }, ownerless);
      assert.equal(valid.status, 404);
    });

    test("every request under /users/v1/invites answers in the document's error shape: another method, a sub-path, 413, 415, an undecodable path", async () => {
      const requests: Array<[string, string, RequestInit, number]> = [
        ['PUT', '/users/v1/invites', { body: '{}', headers: { 'content-type': 'application/json' } }, 404],
        ['DELETE', '/users/v1/invites', {}, 404],
        ['GET', '/users/v1/invites/123', {}, 404],
        ['POST', '/users/v1/invites/123/resend', {}, 404],
        [
          'POST',
          '/users/v1/invites',
          {
            body: JSON.stringify({ roleId: memberRoleId, email: `${'a'.repeat(1_100_000)}@x.com` }),
            headers: { 'content-type': 'application/json' },
          },
          413,
        ],
        [
          'POST',
          '/users/v1/invites',
          { body: 'roleId=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          415,
        ],
        ['GET', '/users/v1/invites/%E0%A4%A', {}, 400],
      ];
      for (const [method, path, init, status] of requests) {
        const response = await fetch(`${base}${path}`, {
          ...init,
          method,
          headers: { ...bearer(org.token), ...(init.headers as Record<string, string>) },
        });
        assert.equal(response.status, status, `${method} ${path}`);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${method} ${path}`);
        const body = await jsonOf(response);
        assert.deepEqual(
          Object.keys(body).filter((key) => key !== 'details'),
          ['error', 'message', 'code'],
          `${method} ${path}: ${JSON.stringify(body)}`,
        );
        assert.equal(body.code, status);
      }
    });

    test('list: an empty limit= takes the default (10), as an absent one does', async () => {
      // Administrators, so that the Member pages other tests walk stay as they expect.
      for (let i = 0; i < 11; i++) await post({ roleId: adminRoleId, email: `empty-limit-${i}@example.com` });
      const response = await fetch(`${base}/users/v1/invites?limit=&status=PENDING&roleId=${adminRoleId}`, {
        headers: bearer(org.token),
      });
      assert.equal(response.status, 200);
      const body = await jsonOf(response);
      assert.equal(body.limit, 10);
      assert.equal(body.data.length, 10);
      assert.ok(body.nextPageStartKey);
    });

    test('no, bad or platform credentials: the exact documented 401', async () => {
      const platform = await platformToken(t);
      for (const headers of [{}, bearer('not-a-token'), bearer(tamper(org.token)), bearer(platform)]) {
        const response = await post({ roleId: memberRoleId, email: 'nobody@example.com' }, headers);
        assert.equal(response.status, 401);
        assert.deepEqual(await jsonOf(response), UNAUTHORIZED);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
      const list = await fetch(`${base}/users/v1/invites`);
      assert.equal(list.status, 401);
      assert.deepEqual(await jsonOf(list), UNAUTHORIZED);
    });

    test('a company without a primary (MAIN) user: the documented 404', async () => {
      const { organization, roles } = await createOrganization(t.deps, { name: 'Ownerless Co' });
      const client = await createClient(t.deps, { organizationId: organization.id });
      const token = await tokenFor(t, client.clientId, client.clientSecret);
      const response = await post(
        { roleId: roles.find((role) => role.name === 'Member')!.id, email: 'x@example.com' },
        bearer(token),
      );
      assert.equal(response.status, 404);
      assert.deepEqual(await jsonOf(response), NOT_FOUND);
    });

    test('list: the three samples get the documented page shape, with a real role id and page key', async () => {
      for (let i = 0; i < 12; i++) await post({ roleId: memberRoleId, email: `page-${i}@example.com` });
      const first = await fetch(`${base}/users/v1/invites?status=PENDING&roleId=${memberRoleId}&limit=10`, {
        headers: bearer(org.token),
      });
      const firstPage = await jsonOf(first);
      assert.equal(firstPage.data.length, 10);
      assert.equal(firstPage.limit, 10);
      assert.equal(typeof firstPage.nextPageStartKey, 'string');
      const replacements: Array<[string, string]> = [
        [DOC_HOST, base],
        ['YOUR_API_TOKEN', org.token],
        ['uuid-role-id', memberRoleId],
        ['example_string', firstPage.nextPageStartKey],
      ];
      const curl = await runSample('curl', sample('list-invites.curl.sh', replacements));
      const page = JSON.parse(curl.stdout);
      assert.deepEqual(Object.keys(page).sort(), ['data', 'limit']);
      assert.equal(page.limit, 10);
      assert.equal(page.data.length, 2);
      for (const invite of [...firstPage.data, ...page.data]) {
        assert.deepEqual(Object.keys(invite), ['id', 'email', 'role', 'expiresAt']);
        assert.deepEqual(invite.role, { id: memberRoleId });
        assert.match(invite.expiresAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      const emails = [...firstPage.data, ...page.data].map((invite: { email: string }) => invite.email);
      assert.deepEqual(
        emails,
        Array.from({ length: 12 }, (_, i) => `page-${11 - i}@example.com`),
        'newest first, each once',
      );

      const python = await runSample('python', sample('list-invites.requests.py', replacements));
      assert.equal(python.status, 0, python.stderr);
      assert.match(
        python.stdout,
        /^\{'data': \[\{'id': '[0-9a-f-]{36}', 'email': 'page-1@example\.com', 'role': \{'id': '[0-9a-f-]{36}'\}, 'expiresAt': '[0-9T:.Z-]+'\}, .*\], 'limit': 10\}$/,
      );
      const node = await runSample('node', sample('list-invites.fetch.mjs', replacements));
      assert.equal(node.status, 0, node.stderr);
      assert.match(node.stdout, /^\{\s+data: \[/);
      assert.match(node.stdout, /limit: 10\s*\}$/);
    });

    test('list: the verbatim placeholders, a forged or foreign page key, and bad parameters are 400', async () => {
      const verbatim = await runSample(
        'curl',
        sample('list-invites.curl.sh', [
          [DOC_HOST, base],
          ['YOUR_API_TOKEN', org.token],
        ]),
      );
      assert.deepEqual(JSON.parse(verbatim.stdout), {
        error: 'Bad Request',
        message: BAD_REQUEST_MESSAGE,
        code: 400,
        details: [{ field: 'roleId', message: 'Must be a v4 UUID' }],
      });
      const theirs = await fetch(`${base}/users/v1/invites?limit=1`, { headers: bearer(other.token) });
      await post({ roleId: other.roles[0]!.id, email: 'o1@example.com' }, bearer(other.token));
      await post({ roleId: other.roles[0]!.id, email: 'o2@example.com' }, bearer(other.token));
      const theirKey = (await jsonOf(await fetch(`${base}/users/v1/invites?limit=1`, { headers: bearer(other.token) })))
        .nextPageStartKey;
      assert.equal(theirs.status, 200);
      const ours = (await jsonOf(await fetch(`${base}/users/v1/invites?limit=1`, { headers: bearer(org.token) })))
        .nextPageStartKey;
      const tampered = tamper(ours);
      for (const key of [theirKey, tampered, 'example_string']) {
        const response = await fetch(`${base}/users/v1/invites?limit=1&nextPageStartKey=${encodeURIComponent(key)}`, {
          headers: bearer(org.token),
        });
        assert.equal(response.status, 400);
        assert.deepEqual((await jsonOf(response)).details, [
          { field: 'nextPageStartKey', message: 'Invalid page key' },
        ]);
      }
      for (const query of ['status=LOST', 'limit=0', 'limit=101', 'limit=ten']) {
        const response = await fetch(`${base}/users/v1/invites?${query}`, { headers: bearer(org.token) });
        assert.equal(response.status, 400, query);
        const body = await jsonOf(response);
        assert.equal(body.message, BAD_REQUEST_MESSAGE);
        assert.equal(body.details[0].field, query.split('=')[0]);
      }
      // Another company's role filters to nothing: it is not a way into their data.
      const foreignRole = await fetch(`${base}/users/v1/invites?roleId=${other.roles[0]!.id}`, {
        headers: bearer(org.token),
      });
      assert.deepEqual(await jsonOf(foreignRole), { data: [], limit: 10 });
    });

    test('a 500 says nothing internal and carries the request id', async () => {
      const broken = await startTestApp(dialect);
      const brokenOrg = await createTestOrganization(broken);
      await broken.database.handle.close();
      const response = await broken.app.inject({
        method: 'POST',
        url: '/users/v1/invites',
        headers: bearer(brokenOrg.token),
        payload: { roleId: brokenOrg.roles[0]!.id, email: 'x@example.com' },
      });
      assert.equal(response.statusCode, 500);
      assert.deepEqual(response.json(), {
        error: 'Internal Server Error',
        message: 'An unexpected error occurred on the server',
        code: 500,
        requestId: response.headers['x-request-id'],
      });
      await broken.close().catch(() => undefined);
    });
  });
}
