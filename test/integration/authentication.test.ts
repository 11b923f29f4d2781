import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  startTestApp,
  tamper,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** The order n of P-256's base point: an ES256 signature (r, s) and (r, n - s) are both valid. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function bigOf(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function bytes32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/** The token with its signature's s replaced by n - s: the other, equally valid, signature of the same input. */
function flipS(token: string): string {
  const [header, payload, signature] = token.split('.');
  const raw = Buffer.from(signature!, 'base64url');
  const s = bigOf(raw.subarray(32));
  return `${header}.${payload}.${Buffer.concat([raw.subarray(0, 32), bytes32(P256_ORDER - s)]).toString('base64url')}`;
}

/** The token with s in the low half, as Tessera signs (done here independently of its code). */
function lowS(token: string): string {
  const s = bigOf(Buffer.from(token.split('.')[2]!, 'base64url').subarray(32));
  return s > P256_ORDER / 2n ? flipS(token) : token;
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
      const untyped = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: header.kid }).sign(privateKey);
      await expectRefused(bearer(untyped), true);
    });

    test('a token signed with our own key but issued an hour in the future (iat) is refused', async () => {
      const stored = await t.deps.db
        .selectFrom('signing_keys')
        .select(['kid', 'private_jwk'])
        .executeTakeFirstOrThrow();
      const key = await importJWK(JSON.parse(stored.private_jwk) as JWK, 'ES256');
      const now = Math.floor(t.clock.now().getTime() / 1000);
      const signedAt = (iat: number) =>
        new SignJWT({ ...payloadOf(org.token), iat, exp: iat + 3600 })
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: stored.kid })
          .sign(key)
          .then(lowS);
      // Re-signed now, and a little ahead (another host's clock), the token is good: the key is the real one.
      for (const iat of [now, now + 30]) {
        const response = await t.app.inject({ url, headers: bearer(await signedAt(iat)) });
        assert.equal(response.statusCode, 200, response.body);
      }
      await expectRefused(bearer(await signedAt(now + 3600)), true);
    });

    test('a valid token with a malleated signature (s flipped to n - s, or the signature re-encoded) is refused, even while the original is cached', async () => {
      assert.equal(
        (await t.app.inject({ url, headers: bearer(org.token) })).statusCode,
        200,
        'the original is verified and cached',
      );
      // (r, n - s) is a valid ECDSA signature of the same header and payload: only its canonical form is taken.
      await expectRefused(bearer(flipS(org.token)), true);
      // The last base64url character of a 64-byte signature has 4 bits that decode to nothing.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(org.token.at(-1)!);
      await expectRefused(bearer(org.token.slice(0, -1) + alphabet[last ^ 1]), true);
      assert.equal(
        (await t.app.inject({ url, headers: bearer(org.token) })).statusCode,
        200,
        'the original still works',
      );
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
      const otherOrg = await t.app.inject({
        url: `/v1/organizations/${other.organization.id}`,
        headers: bearer(session.token),
      });
      assert.equal(otherOrg.statusCode, 404);

      const signOut = await t.app.inject({
        method: 'DELETE',
        url: '/v1/sessions/current',
        headers: bearer(session.token),
      });
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
