import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { DIALECTS } from '../helpers/test-db.js';
import { CLIENT_STATUS_TTL_MS } from '../../src/auth/active-clients.js';
import {
  bearer,
  createTestOrganization,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { runCli } from '../helpers/tessera-process.js';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

for (const dialect of DIALECTS) {
  describe(`POST /oauth/token [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
    });
    after(() => t.close());

    test('issues an RFC 9068 access token for HTTP Basic credentials', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          authorization: basic(org.clientId, org.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials',
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['cache-control'], 'no-store');
      const body = response.json();
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 3600);
      assert.equal(body.refresh_token, undefined);
      assert.match(body.scope, /invitations:manage/);

      const header = decodeProtectedHeader(body.access_token);
      assert.equal(header.typ, 'at+jwt');
      assert.equal(header.alg, 'ES256');
      const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
      const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
        issuer: t.config.tokenIssuer,
        audience: t.config.tokenAudience,
        typ: 'at+jwt',
      });
      assert.equal(payload.sub, org.clientId);
      assert.equal(payload.client_id, org.clientId);
      assert.equal(payload.org_id, org.organization.id);
      assert.equal(typeof payload.jti, 'string');
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
    });

    test('every access token issued has a canonical ES256 signature: r and s in [1, n-1], s in the low half (50 tokens)', async () => {
      // P-256's order n. Node's ECDSA picks s or n - s at random; Tessera keeps the low one.
      const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
      for (let i = 0; i < 50; i++) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/oauth/token',
          payload: { grant_type: 'client_credentials', client_id: org.clientId, client_secret: org.clientSecret },
        });
        assert.equal(response.statusCode, 200, response.body);
        const token: string = response.json().access_token;
        const signature = Buffer.from(token.split('.')[2]!, 'base64url');
        assert.equal(signature.length, 64);
        const r = BigInt(`0x${signature.subarray(0, 32).toString('hex')}`);
        const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
        assert.ok(r >= 1n && r < n, `token ${i}: r out of range`);
        assert.ok(s >= 1n && s <= n / 2n, `token ${i}: s is in the high half`);
        const read = await t.app.inject({ url: `/v1/organizations/${org.organization.id}`, headers: bearer(token) });
        assert.equal(read.statusCode, 200, `token ${i} works: ${read.body}`);
      }
    });

    test('accepts credentials in a form body and in a JSON body', async () => {
      const form = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: org.clientId,
          client_secret: org.clientSecret,
        }).toString(),
      });
      assert.equal(form.statusCode, 200, form.body);
      const json = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: org.clientId, client_secret: org.clientSecret },
      });
      assert.equal(json.statusCode, 200, json.body);
    });

    test('narrows the token to the requested scope, and refuses a scope the client lacks', async () => {
      const narrowed = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: org.clientId,
          client_secret: org.clientSecret,
          scope: 'invitations:read',
        },
      });
      assert.equal(narrowed.json().scope, 'invitations:read');
      const refused = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: org.clientId,
          client_secret: org.clientSecret,
          scope: 'organizations:create',
        },
      });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().error, 'invalid_scope');
    });

    test('a wrong secret or an unknown client is 401 invalid_client, and nothing else tells them apart', async () => {
      const wrongSecret = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          authorization: basic(org.clientId, 'sec_wrong'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials',
      });
      const unknownClient = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          authorization: basic('cli_unknown', 'sec_wrong'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials',
      });
      for (const response of [wrongSecret, unknownClient]) {
        assert.equal(response.statusCode, 401);
        assert.deepEqual(response.json(), {
          error: 'invalid_client',
          error_description: 'Client authentication failed.',
        });
        assert.match(String(response.headers['www-authenticate']), /^Basic realm="tessera"/);
        assert.equal(response.headers['cache-control'], 'no-store');
      }
    });

    test('`tessera client revoke`: the client gets no new token, and the tokens it holds stop working within seconds', async () => {
      const revoked = await createTestOrganization(t);
      const bystander = await createTestOrganization(t);
      const read = (who: TestOrganization) =>
        t.app.inject({
          method: 'GET',
          url: `/v1/organizations/${who.organization.id}/invitations`,
          headers: bearer(who.token),
        });
      assert.equal((await read(revoked)).statusCode, 200);

      const env = { DATABASE_URL: t.database.url };
      const command = runCli(['client', 'revoke', revoked.clientId, '--json'], env);
      assert.equal(command.status, 0, command.stderr);
      const { revokedAt } = JSON.parse(command.stdout) as { revokedAt: string };
      assert.ok(Date.parse(revokedAt) > 0);
      // Again: nothing changes.
      assert.deepEqual(JSON.parse(runCli(['client', 'revoke', revoked.clientId, '--json'], env).stdout), {
        clientId: revoked.clientId,
        revokedAt,
      });
      const unknown = runCli(['client', 'revoke', 'cli_nobody'], env);
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /no client "cli_nobody"/);

      t.clock.advance(CLIENT_STATUS_TTL_MS / 1000 + 1);
      const refused = await read(revoked);
      assert.equal(refused.statusCode, 401, refused.body);
      assert.match(String(refused.headers['www-authenticate']), /error="invalid_token"/);
      const token = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          authorization: basic(revoked.clientId, revoked.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'grant_type=client_credentials',
      });
      assert.equal(token.statusCode, 401);
      assert.equal(token.json().error, 'invalid_client');
      assert.equal((await read(bystander)).statusCode, 200, 'other clients are not affected');
    });

    test('other grants, a missing grant and doubled credentials are refused per RFC 6749 §5.2', async () => {
      const cases: Array<[Record<string, string>, Record<string, string>, number, string]> = [
        [
          { grant_type: 'password', client_id: org.clientId, client_secret: org.clientSecret },
          {},
          400,
          'unsupported_grant_type',
        ],
        [{ client_id: org.clientId, client_secret: org.clientSecret }, {}, 400, 'invalid_request'],
        [
          { grant_type: 'client_credentials', client_id: org.clientId, client_secret: org.clientSecret },
          { authorization: basic(org.clientId, org.clientSecret) },
          400,
          'invalid_request',
        ],
        [{ grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
      ];
      for (const [payload, headers, status, error] of cases) {
        const response = await t.app.inject({ method: 'POST', url: '/oauth/token', headers, payload });
        assert.equal(response.statusCode, status, JSON.stringify(payload));
        assert.equal(response.json().error, error);
      }
    });

    test('a malformed body is invalid_request in the OAuth format', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/json' },
        payload: '{"grant_type":',
      });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().error, 'invalid_request');
    });
  });
}
