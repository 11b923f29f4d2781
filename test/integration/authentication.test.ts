import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { DIALECTS } from '../helpers/test-db.js';
import { bearer, createTestOrganization, startTestApp, tamper, type TestApp, type TestOrganization } from '../helpers/test-app.js';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

for (const dialect of DIALECTS) {
  describe(`bearer authentication [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let other: TestOrganization;
    let url: string;

    before(async () => {
      t = await startTestApp(dialect);
      org = await createTestOrganization(t);
      other = await createTestOrganization(t);
      url = `/v1/organizations/${org.organization.id}`;
    });
    after(() => t.close());

    async function expectRefused(headers: Record<string, string>, tokenPresented: boolean): Promise<void> {
      const response = await t.app.inject({ url, headers });
      assert.equal(response.statusCode, 401, response.body);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      const challenge = String(response.headers['www-authenticate']);
      assert.match(challenge, /^Bearer realm="tessera"/);
      if (tokenPresented) assert.match(challenge, /error="invalid_token"/);
      assert.equal(response.json().code, 'UNAUTHENTICATED');
    }

    test('a valid access token is accepted', async () => {
      const response = await t.app.inject({ url, headers: bearer(org.token) });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().id, org.organization.id);
    });

    test('no token, or another scheme, is 401 with WWW-Authenticate: Bearer', async () => {
      await expectRefused({}, false);
      await expectRefused({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, false);
    });

    test('a tampered token is refused', async () => {
      const [header, , signature] = org.token.split('.');
      const forged = `${header}.${base64url({ ...payloadOf(org.token), org_id: other.organization.id })}.${signature}`;
      await expectRefused(bearer(forged), true);
      const flipped = tamper(org.token);
      await expectRefused(bearer(flipped), true);
    });

    test('an expired token is refused', async () => {
      t.clock.advance(3601);
      try {
        await expectRefused(bearer(org.token), true);
      } finally {
        t.clock.advance(-3601);
      }
    });

    test('an alg: none token is refused', async () => {
      const unsigned = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(payloadOf(org.token))}.`;
      await expectRefused(bearer(unsigned), true);
    });

    test('a token signed by another key, or not typed at+jwt, is refused', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const claims = payloadOf(org.token);
      const foreign = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(privateKey);
      await expectRefused(bearer(foreign), true);
      const header = JSON.parse(Buffer.from(org.token.split('.')[0]!, 'base64url').toString('utf8'));
      const untyped = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: header.kid })
        .sign(privateKey);
      await expectRefused(bearer(untyped), true);
    });

    test('garbage in the Authorization header is refused', async () => {
      await expectRefused(bearer('not-a-token'), true);
      await expectRefused({ authorization: 'Bearer ' }, false);
      await expectRefused(bearer('a.b.c'), true);
    });

    test('a session token signs in, works as a bearer, and stops working after sign-out', async () => {
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: org.owner!.email.toUpperCase(), password: org.ownerPassword },
      });
      assert.equal(signIn.statusCode, 201, signIn.body);
      const session = signIn.json();
      assert.equal(session.user.id, org.owner!.id);
      assert.match(session.token, /^ses_/);
      assert.ok(Date.parse(session.expiresAt) > Date.now());

      assert.equal((await t.app.inject({ url, headers: bearer(session.token) })).statusCode, 200);
      const otherOrg = await t.app.inject({ url: `/v1/organizations/${other.organization.id}`, headers: bearer(session.token) });
      assert.equal(otherOrg.statusCode, 404);

      const signOut = await t.app.inject({ method: 'DELETE', url: '/v1/sessions/current', headers: bearer(session.token) });
      assert.equal(signOut.statusCode, 204);
      await expectRefused(bearer(session.token), true);
    });

    test('a wrong password and an unknown email get the same 401', async () => {
      const wrongPassword = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: org.owner!.email, password: 'Wrong-passw0rd' },
      });
      const unknownEmail = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: 'nobody@example.com', password: 'Wrong-passw0rd' },
      });
      for (const response of [wrongPassword, unknownEmail]) {
        assert.equal(response.statusCode, 401);
        assert.equal(response.json().code, 'INVALID_CREDENTIALS');
      }
      assert.equal(wrongPassword.json().detail, unknownEmail.json().detail);
    });

    test('an expired session is refused', async () => {
      const session = (
        await t.app.inject({
          method: 'POST',
          url: '/v1/sessions',
          payload: { email: org.owner!.email, password: org.ownerPassword },
        })
      ).json();
      t.clock.advance(t.config.sessionTtlHours * 3600 + 1);
      try {
        await expectRefused(bearer(session.token), true);
      } finally {
        t.clock.advance(-(t.config.sessionTtlHours * 3600 + 1));
      }
    });
  });
}
