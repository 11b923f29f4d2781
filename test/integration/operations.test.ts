import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

for (const dialect of DIALECTS) {
  describe(`operations [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
    });
    after(() => t.close());

    test('/healthz and /readyz answer', async () => {
      const health = await t.app.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json(), { status: 'ok' });
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready' });
    });

    test('/metrics is Prometheus text with request counts by route', async () => {
      await t.app.inject({ url: `/v1/organizations/${org.organization.id}`, headers: bearer(org.token) });
      const metrics = await t.app.inject({ url: '/metrics' });
      assert.equal(metrics.statusCode, 200);
      assert.match(String(metrics.headers['content-type']), /^text\/plain/);
      assert.match(
        metrics.body,
        /tessera_http_requests_total\{method="GET",route="\/v1\/organizations\/:orgId",status="200"\} \d+/,
      );
      assert.match(metrics.body, /tessera_process_resident_memory_bytes/);
    });

    test('/openapi.json is OpenAPI 3.1 and documents every route', async () => {
      const response = await t.app.inject({ url: '/openapi.json' });
      assert.equal(response.statusCode, 200);
      const document = response.json();
      assert.equal(document.openapi, '3.1.0');
      const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
      for (const expected of [
        'POST /oauth/token',
        'POST /v1/sessions',
        'DELETE /v1/sessions/current',
        'POST /v1/organizations',
        'GET /v1/organizations/{orgId}',
        'PUT /v1/organizations/{orgId}/owner',
        'GET /v1/organizations/{orgId}/roles',
        'POST /v1/organizations/{orgId}/roles',
        'GET /healthz',
        'GET /readyz',
        'POST /v1/organizations/{orgId}/invitations',
        'POST /v1/organizations/{orgId}/invitations/bulk',
        'GET /v1/organizations/{orgId}/invitations',
        'GET /v1/organizations/{orgId}/invitations/{invitationId}',
        'POST /v1/organizations/{orgId}/invitations/{invitationId}/revoke',
        'POST /v1/organizations/{orgId}/invitations/{invitationId}/resend',
        'POST /v1/invitations/lookup',
        'POST /v1/invitations/accept',
        'POST /v1/invitations/decline',
        'GET /v1/organizations/{orgId}/members',
        'GET /v1/organizations/{orgId}/members/{userId}',
        'PATCH /v1/organizations/{orgId}/members/{userId}',
        'DELETE /v1/organizations/{orgId}/members/{userId}',
        'POST /users/v1/invites',
        'GET /users/v1/invites',
        'POST /api/v1/organization/users/invite',
        'POST /users-organizations/v1/ad/invite',
        'POST /main/users-organizations/v1/ad/invite',
        'POST /api/v1.0/external/tenant/inviteusers',
        'GET /api/v1.0/external/tenant/availableroles',
      ]) {
        assert.ok(operations.includes(expected), `${expected} is missing from /openapi.json`);
      }
      assert.ok(document.components.schemas.ProblemDetails, 'ProblemDetails is a named schema');

      // Every operation a limit can refuse says so, on every surface.
      const responses = (method: string, path: string) =>
        Object.keys(
          (document.paths[path] as Record<string, { responses: Record<string, unknown> }>)[method]!.responses,
        );
      for (const [method, path] of [
        ['post', '/oauth/token'],
        ['post', '/v1/sessions'],
        ['post', '/v1/organizations/{orgId}/invitations'],
        ['post', '/v1/organizations/{orgId}/invitations/bulk'],
        ['post', '/v1/invitations/accept'],
        ['post', '/users/v1/invites'],
        ['post', '/api/v1/organization/users/invite'],
        ['post', '/users-organizations/v1/ad/invite'],
        ['post', '/api/v1.0/external/tenant/inviteusers'],
      ] as const) {
        assert.ok(responses(method, path).includes('429'), `${method.toUpperCase()} ${path} documents its 429`);
      }
    });

    test('/docs renders the reference', async () => {
      const response = await t.app.inject({ url: '/docs/' });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /swagger-ui/i);
    });

    test('unknown routes and malformed JSON are problem details with a request id', async () => {
      const missing = await t.app.inject({ url: '/v1/nothing-here' });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(missing.json().code, 'ROUTE_NOT_FOUND');
      assert.equal(missing.json().requestId, missing.headers['x-request-id']);

      const malformed = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: { ...bearer(org.token), 'content-type': 'application/json' },
        payload: '{"name": "unterminated',
      });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json().code, 'MALFORMED_REQUEST');

      const wrongType = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: { ...bearer(org.token), 'content-type': 'text/xml' },
        payload: '<role/>',
      });
      assert.equal(wrongType.statusCode, 415);
      assert.equal(wrongType.json().code, 'UNSUPPORTED_MEDIA_TYPE');

      const badId = await t.app.inject({ url: '/v1/organizations/not-a-uuid', headers: bearer(org.token) });
      assert.equal(badId.statusCode, 400);
      assert.equal(badId.json().errors[0].field, 'orgId');
    });

    test('a well-formed incoming x-request-id is kept', async () => {
      const response = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-1234567890' } });
      assert.equal(response.headers['x-request-id'], 'trace-1234567890');
      const injected = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad\nid' } });
      assert.match(String(injected.headers['x-request-id']), /^req_[0-9a-f]{20}$/);
    });

    test('logs are JSON with request ids, and hold no credential', async () => {
      const session = await sessionFor(t, org);
      await t.app.inject({
        url: `/v1/organizations/${org.organization.id}`,
        headers: { ...bearer(org.token), 'x-session-token': session },
      });
      await t.app.inject({ url: '/invite/secret-link-token-123?token=another-secret-456' });
      const lines = t.logs.map((line) => JSON.parse(line));
      assert.ok(lines.some((line) => typeof line.requestId === 'string' && line.req?.url));
      const everything = t.logs.join('\n');
      for (const secret of [
        org.token,
        org.clientSecret,
        org.ownerPassword,
        session,
        'secret-link-token-123',
        'another-secret-456',
      ]) {
        assert.ok(!everything.includes(secret), `a credential reached the logs: ${secret.slice(0, 12)}…`);
      }
      assert.ok(everything.includes('/invite/[redacted]'));
    });
  });

  describe(`failures [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
    });
    after(() => t.close().catch(() => undefined));

    test('when the database is gone: /readyz is 503 and a 5xx reveals nothing internal', async () => {
      await t.database.handle.close();
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().code, 'SERVICE_UNAVAILABLE');

      const response = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/roles`,
        headers: bearer(org.token),
      });
      assert.equal(response.statusCode, 500);
      const body = response.json();
      assert.equal(body.code, 'INTERNAL_ERROR');
      assert.equal(body.requestId, response.headers['x-request-id']);
      assert.ok(body.detail.includes(body.requestId));
      assert.doesNotMatch(response.body, /select|from|driver|destroy|kysely|sqlite|pg|stack|at /i);
      // The cause is in the logs, under the same request id.
      const logged = t.logs
        .map((line) => JSON.parse(line))
        .find((line) => line.requestId === body.requestId && line.err);
      assert.ok(logged, 'the error is logged with its request id');

      // The service keeps serving what does not need the database.
      assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
      assert.equal((await t.app.inject({ url: `/v1/organizations/${randomUUID()}` })).statusCode, 401);
    });
  });
}
