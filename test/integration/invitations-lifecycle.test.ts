import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authorizeOrganization } from '../../src/auth/authorize.js';
import { ORGANIZATION_CLIENT_SCOPES } from '../../src/auth/permissions.js';
import { inviteMany } from '../../src/modules/invitations/invitation.create.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  inviteAndGetLink,
  platformToken,
  sessionFor,
  signIn,
  startTestApp,
  tokenFor,
  waitForOutboxIdle,
  waitForOutboxSettled,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { linkToken } from '../helpers/links.js';

for (const dialect of DIALECTS) {
  describe(`invitation lifecycle, through real email [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let base: string;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true });
      org = await createTestOrganization(t, 'Lifecycle & Sons');
      base = `/v1/organizations/${org.organization.id}`;
    });
    after(() => t.close());

    async function invite(payload: Record<string, unknown>) {
      return t.app.inject({ method: 'POST', url: `${base}/invitations`, headers: bearer(org.token), payload });
    }

    test('invite, receive the email, look up, accept: the invitee is an active member with a session', async () => {
      const created = await invite({
        email: 'Grace.Hopper@Example.com',
        roleName: 'administrator',
        firstName: 'Grace',
        metadata: { team: 'compilers' },
        permissions: { group: 2, read: [1, 2] },
      });
      assert.equal(created.statusCode, 201, created.body);
      const invitation = created.json();
      assert.equal(invitation.status, 'PENDING');
      assert.equal(invitation.role.name, 'Administrator');
      assert.equal(invitation.acceptUrl, undefined);
      const days = (Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)) / 86_400_000;
      assert.equal(days, 7);

      const [mail] = await t.smtp!.mailTo('Grace.Hopper@Example.com');
      // The local part is kept as entered; the mail library lower-cases the (case-insensitive) domain.
      assert.equal(mail!.to, 'Grace.Hopper@example.com');
      assert.equal(mail!.subject, `${org.owner!.email} invited you to join Lifecycle & Sons`);
      assert.match(mail!.text, /as Administrator\./);
      assert.match(mail!.text, /expires on \w+day, /);
      assert.match(mail!.html, /Lifecycle &amp; Sons/);
      assert.ok(mail!.html.includes(SmtpSink.link(mail!).replace(/&/g, '&amp;')));
      const link = SmtpSink.link(mail!);
      assert.ok(link.startsWith(`${t.config.publicUrl}/invite/`));
      const token = SmtpSink.token(mail!);

      const lookup = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
      assert.equal(lookup.statusCode, 200, lookup.body);
      assert.deepEqual(
        { ...(lookup.json() as Record<string, unknown>), expiresAt: undefined },
        {
          email: 'Grace.Hopper@Example.com',
          organization: { id: org.organization.id, name: 'Lifecycle & Sons' },
          role: { id: invitation.role.id, name: 'Administrator' },
          inviter: { name: org.owner!.email },
          firstName: 'Grace',
          lastName: null,
          expiresAt: undefined,
          locale: 'en',
          message: null,
          signInRequired: false,
          passwordRequired: true,
          accountMayExist: false,
        },
      );

      const missingPassword = await t.app.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
      assert.equal(missingPassword.statusCode, 400);
      assert.equal(missingPassword.json().code, 'PASSWORD_REQUIRED');

      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, lastName: 'Hopper', password: 'Cobol-1959!' },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const result = accepted.json();
      assert.equal(result.organization.id, org.organization.id);
      assert.equal(result.role.name, 'Administrator');
      assert.equal(result.session.user.email, 'Grace.Hopper@Example.com');
      assert.equal(result.session.user.firstName, 'Grace');
      assert.equal(result.session.user.lastName, 'Hopper');

      // The session works, and the new member manages invitations as an Administrator.
      const asGrace = await t.app.inject({ url: `${base}/invitations?limit=1`, headers: bearer(result.session.token) });
      assert.equal(asGrace.statusCode, 200);

      const member = await t.app.inject({
        url: `${base}/members/${result.session.user.id}`,
        headers: bearer(org.token),
      });
      assert.equal(member.statusCode, 200, member.body);
      assert.equal(member.json().status, 'ACTIVE');
      assert.equal(member.json().role.name, 'Administrator');
      assert.deepEqual(member.json().metadata, { team: 'compilers' });
      assert.deepEqual(member.json().permissions, { group: 2, read: [1, 2], manage: [] });

      await waitForOutboxIdle(t);
      const after = await t.app.inject({ url: `${base}/invitations/${invitation.id}`, headers: bearer(org.token) });
      assert.equal(after.json().status, 'ACCEPTED');
      assert.equal(after.json().sendCount, 1);
      assert.ok(after.json().acceptedAt);

      // A used link answers exactly like an unknown one.
      const again = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/lookup',
        payload: { token: 'x'.repeat(43) },
      });
      assert.equal(again.statusCode, 404);
      assert.deepEqual(
        { ...(again.json() as object), requestId: null },
        { ...(unknown.json() as object), requestId: null },
      );

      // The member can sign in with the password chosen on accepting.
      await signIn(t, 'grace.hopper@example.com', 'Cobol-1959!');

      // Inviting an active member is refused.
      const memberAgain = await invite({ email: 'GRACE.HOPPER@example.com' });
      assert.equal(memberAgain.statusCode, 409);
      assert.equal(memberAgain.json().code, 'ALREADY_A_MEMBER');
    });

    test('decline: the invitation is DECLINED and its link is dead', async () => {
      const { invitation: created, token } = await inviteAndGetLink(t, org, { email: 'decliner@example.com' });
      const declined = await t.app.inject({ method: 'POST', url: '/v1/invitations/decline', payload: { token } });
      assert.equal(declined.statusCode, 204);
      const read = await t.app.inject({ url: `${base}/invitations/${created.id}`, headers: bearer(org.token) });
      assert.equal(read.json().status, 'DECLINED');
      const accept = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: 'Decline-d1d!' },
      });
      assert.equal(accept.statusCode, 404);
      assert.equal(accept.json().code, 'INVITATION_LINK_INVALID');
    });

    test('revoke: the link is dead; revoking again is 409', async () => {
      const { invitation: created, token } = await inviteAndGetLink(t, org, { email: 'revoked@example.com' });
      const revoked = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/${created.id}/revoke`,
        headers: bearer(org.token),
      });
      assert.equal(revoked.statusCode, 200);
      assert.equal(revoked.json().status, 'REVOKED');
      assert.ok(revoked.json().revokedAt);
      const lookup = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
      assert.equal(lookup.statusCode, 404);
      const twice = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/${created.id}/revoke`,
        headers: bearer(org.token),
      });
      assert.equal(twice.statusCode, 409);
      assert.equal(twice.json().code, 'INVITATION_NOT_PENDING');
      // The address may be invited again.
      assert.equal((await invite({ email: 'Revoked@Example.com' })).statusCode, 201);
    });

    test('resend: a new email with a new link; the old link stops working; the expiry may move', async () => {
      const { invitation: created, token: first } = await inviteAndGetLink(t, org, {
        email: 'resend@example.com',
        expiresInDays: 2,
      });
      const resent = await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/${created.id}/resend`,
        headers: bearer(org.token),
        payload: { expiresInDays: 10 },
      });
      assert.equal(resent.statusCode, 200, resent.body);
      assert.ok(Date.parse(resent.json().expiresAt) > Date.parse(created.expiresAt) + 7 * 86_400_000);
      const mails = await t.smtp!.mailTo('resend@example.com', 2);
      const second = SmtpSink.token(mails[1]!);
      assert.notEqual(first, second);
      assert.notEqual(mails[0]!.messageId, mails[1]!.messageId);
      assert.equal(
        (await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token: first } })).statusCode,
        404,
      );
      assert.equal(
        (await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token: second } })).statusCode,
        200,
      );
      // The sink has the email once the server accepted it; the worker records the delivery just after.
      await waitForOutboxIdle(t);
      const read = await t.app.inject({ url: `${base}/invitations/${created.id}`, headers: bearer(org.token) });
      assert.equal(read.json().sendCount, 2);
    });

    test('resend before the first email went out: only the email with the new link is sent; the old one is cancelled as superseded', async () => {
      const email = 'resend-early@example.com';
      let created: { id: string };
      let oldToken: string;
      await t.worker!.stop();
      try {
        created = (await invite({ email })).json();
        // The old link exists only sealed in the queued email: read it there, as the worker would.
        const [queued] = await t.deps.db
          .selectFrom('outbox')
          .selectAll()
          .where('invitation_id', '=', created.id)
          .execute();
        oldToken = t.deps.secrets.open('outbox-seal', queued!.secret!)!;
        const resent = await t.app.inject({
          method: 'POST',
          url: `${base}/invitations/${created.id}/resend`,
          headers: bearer(org.token),
          payload: {},
        });
        assert.equal(resent.statusCode, 200, resent.body);
      } finally {
        t.worker!.start();
      }
      const rows = await waitForOutboxSettled(t, { invitationId: created.id });
      assert.deepEqual(
        rows.map((row) => [row.status, row.status === 'CANCELLED' ? row.last_error : null]),
        [
          ['CANCELLED', 'superseded by a newer link (the invitation was re-sent)'],
          ['SENT', null],
        ],
      );
      const mails = t.smtp!.received.filter((mail) => mail.to === email);
      assert.equal(mails.length, 1, 'exactly one email');
      const newToken = SmtpSink.token(mails[0]!);
      assert.notEqual(newToken, oldToken);
      const lookup = (token: string) =>
        t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
      assert.equal((await lookup(oldToken)).statusCode, 404, 'the old link is refused');
      assert.equal((await lookup(newToken)).statusCode, 200, 'the emailed link opens the invitation');
      const read = await t.app.inject({ url: `${base}/invitations/${created.id}`, headers: bearer(org.token) });
      assert.equal(read.json().sendCount, 1);
    });

    test('expiry is derived: past expiresAt it reads EXPIRED at once, and the address can be invited again', async () => {
      const { invitation: created, token: link } = await inviteAndGetLink(t, org, {
        email: 'late@example.com',
        expiresInDays: 1,
      });
      t.clock.advance(86_400 + 1);
      try {
        // The organization's access token expired too; the client gets a new one.
        const token = await tokenFor(t, org.clientId, org.clientSecret);
        const read = await t.app.inject({ url: `${base}/invitations/${created.id}`, headers: bearer(token) });
        assert.equal(read.json().status, 'EXPIRED');
        const expired = await t.app.inject({
          url: `${base}/invitations?status=EXPIRED&email=late@example.com`,
          headers: bearer(token),
        });
        assert.deepEqual(
          expired.json().data.map((row: { id: string }) => row.id),
          [created.id],
        );
        const pending = await t.app.inject({
          url: `${base}/invitations?status=PENDING&email=late@example.com`,
          headers: bearer(token),
        });
        assert.deepEqual(pending.json().data, []);
        const accept = await t.app.inject({
          method: 'POST',
          url: '/v1/invitations/accept',
          payload: { token: link, password: 'Too-late-1!' },
        });
        assert.equal(accept.statusCode, 404);
        const resend = await t.app.inject({
          method: 'POST',
          url: `${base}/invitations/${created.id}/resend`,
          headers: bearer(token),
          payload: {},
        });
        assert.equal(resend.statusCode, 409);
        const again = await t.app.inject({
          method: 'POST',
          url: `${base}/invitations`,
          headers: bearer(token),
          payload: { email: 'late@example.com' },
        });
        assert.equal(again.statusCode, 201, again.body);
        const old = await t.app.inject({ url: `${base}/invitations/${created.id}`, headers: bearer(token) });
        assert.equal(old.json().status, 'EXPIRED');
      } finally {
        t.clock.advance(-(86_400 + 1));
      }
    });

    test('an account whose owner proved the address signs in to accept; another signed-in user is refused', async () => {
      // The invitee proved the address by accepting an emailed link into another organization.
      const elsewhere = await createTestOrganization(t, 'Elsewhere');
      const { token: first } = await inviteAndGetLink(t, elsewhere, { email: 'existing@example.com' });
      const joined = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: first, password: 'Existing-1!' },
      });
      assert.equal(joined.statusCode, 200, joined.body);

      const { token } = await inviteAndGetLink(t, org, { email: 'existing@example.com' });
      const lookup = (await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } })).json();
      assert.equal(lookup.signInRequired, true);
      assert.equal(lookup.passwordRequired, false);
      const noPassword = await t.app.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
      assert.equal(noPassword.statusCode, 401);
      assert.equal(noPassword.json().code, 'SIGN_IN_REQUIRED');
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: 'Wrong-pass1!' },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().code, 'INVALID_CREDENTIALS');

      // Signed in as someone else: refused, whatever the password.
      const stranger = await sessionFor(t, org);
      const mismatch = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        headers: bearer(stranger),
        payload: { token },
      });
      assert.equal(mismatch.statusCode, 403);
      assert.equal(mismatch.json().code, 'EMAIL_MISMATCH');

      // Signed in as the invitee: accepted without a password.
      const session = joined.json().session.token;
      const ok = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        headers: bearer(session),
        payload: { token },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().session.user.email, 'existing@example.com');
    });

    test('an account someone else made with a password is claimed by the mailbox owner through an emailed link', async () => {
      // An operator (or an attacker with a platform client) creates the account first, with their password.
      const platform = await platformToken(t);
      await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: { name: 'Squatter', owner: { email: 'claimed@example.com', password: 'Squatter-1!' } },
      });
      const squatter = await signIn(t, 'claimed@example.com', 'Squatter-1!');

      // A link handed to the inviter (sendEmail: false) proves nothing, and says nothing of the account.
      const { invitation: handed, token: handedToken } = await inviteAndGetLink(t, org, {
        email: 'claimed@example.com',
        sendEmail: false,
      });
      const handedLookup = (
        await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token: handedToken } })
      ).json();
      assert.equal(handedLookup.signInRequired, false);
      assert.equal(handedLookup.accountMayExist, true);
      const takeover = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: handedToken, password: 'Takeover-1!' },
      });
      assert.equal(takeover.statusCode, 401);

      // Re-sent by email, the link reaches the mailbox: its owner sets their own password.
      await t.app.inject({
        method: 'POST',
        url: `${base}/invitations/${handed.id}/resend`,
        headers: bearer(org.token),
        payload: {},
      });
      const token = SmtpSink.token((await t.smtp!.mailTo('claimed@example.com'))[0]!);
      const lookup = (await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } })).json();
      assert.equal(lookup.signInRequired, false);
      assert.equal(lookup.passwordRequired, true);
      const claimed = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: 'Mine-at-last1!' },
      });
      assert.equal(claimed.statusCode, 200, claimed.body);

      // The squatter's password and session no longer work; the owner's do.
      const oldPassword = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: 'claimed@example.com', password: 'Squatter-1!' },
      });
      assert.equal(oldPassword.statusCode, 401);
      const oldSession = await t.app.inject({ url: `${base}/invitations?limit=1`, headers: bearer(squatter) });
      assert.equal(oldSession.statusCode, 401);
      await signIn(t, 'claimed@example.com', 'Mine-at-last1!');
    });

    test('accepting never lowers an active membership: an owner stays Owner', async () => {
      const { invitation: created, token } = await inviteAndGetLink(t, org, {
        email: 'future-owner@example.com',
        roleName: 'Viewer',
      });
      const platform = await platformToken(t);
      const assigned = await t.app.inject({
        method: 'PUT',
        url: `${base}/owner`,
        headers: bearer(platform),
        payload: { email: 'future-owner@example.com' },
      });
      assert.equal(assigned.statusCode, 200, assigned.body);
      // Assigning the owner withdrew their pending invitation.
      const read = await t.app.inject({ url: `${base}/invitations/${created.id}`, headers: bearer(org.token) });
      assert.equal(read.json().status, 'REVOKED');
      const accept = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: 'Owner-pass1!' },
      });
      assert.equal(accept.statusCode, 404);
      const owner = await t.app.inject({
        url: `${base}/members/${assigned.json().owner.id}`,
        headers: bearer(org.token),
      });
      assert.equal(owner.json().role.name, 'Owner');
      // Put the original owner back for the other tests.
      await t.app.inject({
        method: 'PUT',
        url: `${base}/owner`,
        headers: bearer(platform),
        payload: { email: org.owner!.email },
      });
    });

    test('a password preset by the inviter becomes the account password; the invitee is not asked for one', async () => {
      const access = await authorizeOrganization(
        t.deps,
        {
          kind: 'client',
          clientId: org.clientId,
          organizationId: org.organization.id,
          scopes: new Set(ORGANIZATION_CLIENT_SCOPES),
        },
        org.organization.id,
        'invitations:manage',
      );
      const [result] = await inviteMany(t.deps, access, [{ email: 'preset@example.com', password: 'Preset-pass1!' }], {
        atomic: true,
      });
      assert.ok(result?.ok);
      assert.equal(result.invitation.passwordPreset, true);
      const mail = (await t.smtp!.mailTo('preset@example.com'))[0]!;
      assert.doesNotMatch(mail.text, /Preset-pass1!/);
      const token = SmtpSink.token(mail);
      const lookup = (await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } })).json();
      assert.equal(lookup.passwordRequired, false);
      assert.equal(lookup.signInRequired, false);
      const accepted = await t.app.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
      assert.equal(accepted.statusCode, 200, accepted.body);
      await signIn(t, 'preset@example.com', 'Preset-pass1!');
    });

    test('sendEmail: false returns the accept URL once and sends nothing', async () => {
      const created = await invite({
        email: 'quiet@example.com',
        sendEmail: false,
        redirectUrl: `${t.config.publicUrl}/welcome`,
      });
      assert.equal(created.statusCode, 201, created.body);
      const { acceptUrl, id } = created.json();
      assert.match(acceptUrl, new RegExp(`^${t.config.publicUrl}/invite/[A-Za-z0-9_-]{43}$`));
      const read = await t.app.inject({ url: `${base}/invitations/${id}`, headers: bearer(org.token) });
      assert.equal(read.json().acceptUrl, undefined);
      const token = linkToken(acceptUrl);
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: 'Quiet-pass1!' },
      });
      assert.equal(accepted.statusCode, 200);
      assert.equal(accepted.json().redirectUrl, `${t.config.publicUrl}/welcome`);
      // No email was queued for it, to be sent now or later; and none reached the address.
      assert.deepEqual(await waitForOutboxSettled(t, { invitationId: id }), []);
      assert.deepEqual(await waitForOutboxSettled(t, { to: 'quiet@example.com' }), []);
      assert.equal(t.smtp!.received.filter((mail) => mail.to === 'quiet@example.com').length, 0);
    });

    test('a link of any length that opens nothing gets the one invalid-link page', async () => {
      for (const token of ['x'.repeat(43), 'y'.repeat(300)]) {
        const page = await t.app.inject({ url: `/invite/${token}` });
        assert.equal(page.statusCode, 404);
        assert.match(page.headers['content-type'] as string, /^text\/html/);
        assert.match(page.body, /This invitation link isn(?:'|&#39;)t valid/);
        assert.equal(page.headers['referrer-policy'], 'no-referrer');
      }
    });

    test('a redirect URL with characters that need encoding is saved encoded, and the page redirects to it after accepting (no 500)', async () => {
      const created = await invite({
        email: 'encoded@example.com',
        redirectUrl: `${t.config.publicUrl}/welcome back?name=José&x=<1>`,
      });
      assert.equal(created.statusCode, 201, created.body);
      const expected = `${t.config.publicUrl}/welcome%20back?name=Jos%C3%A9&x=%3C1%3E`;
      assert.equal(created.json().redirectUrl, expected);
      const token = SmtpSink.token((await t.smtp!.mailTo('encoded@example.com'))[0]!);
      const page = await t.app.inject({ url: `/invite/${token}` });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const accepted = await t.app.inject({
        method: 'POST',
        url: `/invite/${token}/accept`,
        headers: {
          cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: csrf, password: 'Encoded-pass1!' }).toString(),
      });
      assert.equal(accepted.statusCode, 303, accepted.body);
      // Tessera's own origin is the access tokens' audience: no hand-off token goes there.
      assert.equal(accepted.headers.location, expected);
    });

    test('a redirect URL off the allowed origins is refused', async () => {
      const refused = await invite({ email: 'phish@example.com', redirectUrl: 'https://evil.example/steal' });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().code, 'REDIRECT_URL_NOT_ALLOWED');
      assert.equal(refused.json().errors[0].field, 'redirectUrl');
      for (const origin of t.config.allowedRedirectOrigins) {
        assert.ok(!refused.body.includes(origin), "the allowed origins (every tenant's) are not listed");
      }
    });

    test('a revoked invitation whose email was not sent yet is not sent', async () => {
      let created: { id: string };
      await t.worker!.stop();
      try {
        created = (await invite({ email: 'never-sent@example.com' })).json();
        const revoked = await t.app.inject({
          method: 'POST',
          url: `${base}/invitations/${created.id}/revoke`,
          headers: bearer(org.token),
        });
        assert.equal(revoked.statusCode, 200, revoked.body);
      } finally {
        t.worker!.start();
      }
      const rows = await waitForOutboxSettled(t, { invitationId: created.id });
      assert.deepEqual(
        rows.map((row) => ({ status: row.status, error: row.last_error, secret: row.secret })),
        [{ status: 'CANCELLED', error: 'the invitation is no longer pending', secret: null }],
      );
      assert.equal(t.smtp!.received.filter((mail) => mail.to === 'never-sent@example.com').length, 0);
    });
  });
}
