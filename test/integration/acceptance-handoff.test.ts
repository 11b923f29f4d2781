import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import {
  ACCEPTANCE_PARAMETER,
  ACCEPTANCE_TOKEN_TYPE,
  withAcceptanceParameter,
} from '../../src/auth/acceptance-token.js';
import { hasCanonicalSignature } from '../../src/auth/es256-signatures.js';
import {
  bearer,
  createTestOrganization,
  inviteAndGetLink,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';

const HOST = 'https://app.example';
const REDIRECT_URL = `${HOST}/welcome?x=1#top`;
const PASSWORD = 'Handoff-pass1!';

let counter = 0;

for (const dialect of DIALECTS) {
  describe(`the acceptance hand-off, on the invitee's page [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;

    before(async () => {
      t = await startTestApp(dialect, { ALLOWED_REDIRECT_ORIGINS: HOST }, { smtp: true });
      org = await createTestOrganization(t);
    });
    after(() => t.close());

    function address(): string {
      return `handoff-${++counter}@example.com`;
    }

    /** Invites `email` (the link emailed, unless the payload says sendEmail: false) and accepts on the page with a new account's password. */
    async function acceptOnPage(
      payload: { email: string } & Record<string, unknown>,
    ): Promise<{ invitation: any; response: LightMyRequestResponse }> {
      const { invitation, token } = await inviteAndGetLink(t, org, payload);
      const page = await t.app.inject({ url: `/invite/${token}` });
      assert.equal(page.statusCode, 200, page.body);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const response = await t.app.inject({
        method: 'POST',
        url: `/invite/${token}/accept`,
        headers: {
          cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: csrf, password: PASSWORD }).toString(),
      });
      return { invitation, response };
    }

    /** The hand-off token of a 303 to the redirect URL (exactly one). */
    function handoffOf(response: LightMyRequestResponse): string {
      assert.equal(response.statusCode, 303, response.body);
      const tokens = new URL(response.headers.location as string).searchParams.getAll(ACCEPTANCE_PARAMETER);
      assert.equal(tokens.length, 1, String(response.headers.location));
      return tokens[0]!;
    }

    /** Verifies as a host would: Tessera's JWKS, the issuer, the host's own origin as audience, the type. */
    async function verify(token: string, currentDate?: Date): Promise<{ payload: JWTPayload }> {
      const jwks = await t.app.inject({ url: '/.well-known/jwks.json' });
      assert.equal(jwks.statusCode, 200, jwks.body);
      return jwtVerify(token, createLocalJWKSet(jwks.json() as JSONWebKeySet), {
        issuer: t.config.tokenIssuer,
        audience: HOST,
        typ: ACCEPTANCE_TOKEN_TYPE,
        algorithms: ['ES256'],
        ...(currentDate ? { currentDate } : {}),
      });
    }

    async function userIdOf(email: string): Promise<string> {
      const row = await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email_canonical', '=', email.toLowerCase())
        .executeTakeFirstOrThrow();
      return row.id;
    }

    test('accepting redirects to the redirect URL, its query and fragment kept, with a signed acceptance token', async () => {
      const email = address();
      const metadata = { plan: 'team', seat: 12, tags: ['a', 'b'] };
      const { invitation, response } = await acceptOnPage({
        email,
        roleName: 'Administrator',
        metadata,
        redirectUrl: REDIRECT_URL,
      });
      const token = handoffOf(response);
      const location = new URL(response.headers.location as string);
      assert.equal(`${location.origin}${location.pathname}`, `${HOST}/welcome`);
      assert.equal(location.searchParams.get('x'), '1');
      assert.equal(location.hash, '#top');
      assert.equal(response.headers.location, `${HOST}/welcome?x=1&${ACCEPTANCE_PARAMETER}=${token}#top`);

      const { payload } = await verify(token);
      const header = decodeProtectedHeader(token);
      assert.equal(header.typ, ACCEPTANCE_TOKEN_TYPE);
      assert.equal(header.alg, 'ES256');
      // The access-token key: the same kid as the organization's access token.
      assert.equal(header.kid, decodeProtectedHeader(org.token).kid);
      assert.ok(hasCanonicalSignature(token), 'signed with a low-S signature, like access tokens');
      assert.equal(payload.iss, t.config.tokenIssuer);
      assert.equal(payload.aud, HOST);
      assert.equal(payload.sub, await userIdOf(email));
      assert.equal(payload.email, email);
      assert.equal(payload.email_verified, true, 'the emailed link proved the mailbox');
      assert.equal(payload.org_id, org.organization.id);
      assert.equal(payload.role, 'Administrator');
      assert.equal(payload.invitation_id, invitation.id);
      assert.deepEqual(payload.metadata, metadata);
      assert.equal(typeof payload.jti, 'string');
      assert.ok(payload.jti!.length > 0);
      assert.equal(typeof payload.iat, 'number');
      assert.equal(payload.exp! - payload.iat!, 300);
      assert.ok(Math.abs(payload.iat! - t.clock.now().getTime() / 1000) < 60, 'issued now, by the app clock');
      // Nothing of Tessera's own credentials: no session, no access token, no link token.
      const claims = Object.keys(payload).sort();
      assert.deepEqual(claims, [
        'aud',
        'email',
        'email_verified',
        'exp',
        'iat',
        'invitation_id',
        'iss',
        'jti',
        'metadata',
        'org_id',
        'role',
        'sub',
      ]);
    });

    test('the token is refused once its 5 minutes have passed', async () => {
      const { response } = await acceptOnPage({ email: address(), redirectUrl: REDIRECT_URL });
      const token = handoffOf(response);
      await verify(token, t.clock.now());
      t.clock.advance(301);
      await assert.rejects(verify(token, t.clock.now()), joseErrors.JWTExpired);
    });

    test('a token is verified only by the host it was made for', async () => {
      const { response } = await acceptOnPage({ email: address(), redirectUrl: REDIRECT_URL });
      const token = handoffOf(response);
      const jwks = createLocalJWKSet((await t.app.inject({ url: '/.well-known/jwks.json' })).json() as JSONWebKeySet);
      await assert.rejects(
        jwtVerify(token, jwks, { issuer: t.config.tokenIssuer, audience: 'https://other.example' }),
        joseErrors.JWTClaimValidationFailed,
      );
      await assert.rejects(
        jwtVerify(token, jwks, { issuer: t.config.tokenIssuer, audience: HOST, typ: 'at+jwt' }),
        joseErrors.JWTClaimValidationFailed,
      );
    });

    test('two accepts give two different tokens (jti), and no metadata is null', async () => {
      const first = handoffOf((await acceptOnPage({ email: address(), redirectUrl: REDIRECT_URL })).response);
      const second = handoffOf((await acceptOnPage({ email: address(), redirectUrl: REDIRECT_URL })).response);
      const a = (await verify(first)).payload;
      const b = (await verify(second)).payload;
      assert.notEqual(a.jti, b.jti);
      assert.notEqual(a.sub, b.sub);
      assert.equal(a.metadata, null);
      assert.equal(b.metadata, null);
      assert.equal(a.role, 'Member');
    });

    test('a link the inviter held proves no mailbox: the redirect carries no token', async () => {
      const { response } = await acceptOnPage({ email: address(), redirectUrl: REDIRECT_URL, sendEmail: false });
      assert.equal(response.statusCode, 303, response.body);
      assert.equal(response.headers.location, REDIRECT_URL);
    });

    test("no token for Tessera's own origin, which access tokens name as their audience", async () => {
      const own = `${t.config.publicUrl}/after`;
      const { response } = await acceptOnPage({ email: address(), redirectUrl: own });
      assert.equal(response.statusCode, 303, response.body);
      assert.equal(response.headers.location, own);
    });

    test('the email claim is the address as the organization wrote it', async () => {
      const email = `Mixed.Case-${++counter}@Example.com`;
      const { response } = await acceptOnPage({ email, redirectUrl: REDIRECT_URL });
      assert.equal((await verify(handoffOf(response))).payload.email, email);
    });

    test('an invitation without a redirect URL: the accepted page, no redirect and no token', async () => {
      const { response } = await acceptOnPage({ email: address() });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers.location, undefined);
      assert.doesNotMatch(response.body, new RegExp(ACCEPTANCE_PARAMETER));
    });

    test('the acceptance token is not an access token: a /v1 route refuses it as Bearer', async () => {
      const { response } = await acceptOnPage({ email: address(), redirectUrl: REDIRECT_URL });
      const token = handoffOf(response);
      const refused = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(token),
      });
      assert.equal(refused.statusCode, 401, refused.body);
      // The organization's own access token still works there.
      const allowed = await t.app.inject({
        method: 'GET',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(org.token),
      });
      assert.equal(allowed.statusCode, 200, allowed.body);
    });

    test('the JSON accept answers as before: the redirect URL as given, and no token', async () => {
      const { token } = await inviteAndGetLink(t, org, {
        email: address(),
        sendEmail: false,
        redirectUrl: REDIRECT_URL,
        metadata: { plan: 'team' },
      });
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: PASSWORD },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const body = accepted.json();
      assert.deepEqual(Object.keys(body).sort(), ['organization', 'redirectUrl', 'role', 'session']);
      assert.equal(body.redirectUrl, REDIRECT_URL);
    });
  });
}

describe('the acceptance parameter on a redirect URL', () => {
  test('is added last, keeping the query as written and the fragment', () => {
    assert.equal(withAcceptanceParameter('https://app.example/a', 'T'), 'https://app.example/a?tessera_acceptance=T');
    assert.equal(
      withAcceptanceParameter('https://app.example/a%20b?q=x%20y&r=%2F+z#frag', 'T'),
      'https://app.example/a%20b?q=x%20y&r=%2F+z&tessera_acceptance=T#frag',
    );
    assert.equal(
      withAcceptanceParameter('https://app.example/?#f', 'T'),
      'https://app.example/?tessera_acceptance=T#f',
    );
  });

  test('replaces one already in the URL, so the token is the only one', () => {
    assert.equal(
      withAcceptanceParameter('https://app.example/?tessera_acceptance=forged&a=1&tessera%5Facceptance=2', 'T'),
      'https://app.example/?a=1&tessera_acceptance=T',
    );
  });
});
