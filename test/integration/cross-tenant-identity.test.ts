import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { AppError } from '../../src/http/errors.js';
import { acceptInvitation } from '../../src/modules/invitations/invitation.accept.js';
import { resolveSession } from '../../src/modules/sessions/session.service.js';
import { linkToken } from '../helpers/links.js';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  platformToken,
  sessionFor,
  signIn,
  startTestApp,
  waitForOutboxIdle,
  waitForOutboxSettled,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

/**
 * Accounts are global; organizations do not trust each other. Each test here is first the attack
 * (one organization trying to act for a person another organization, or nobody, vouched for), then
 * what must hold instead: only the mailbox owner, proven by a link Tessera emailed, or whoever holds
 * the account's own password gets a session for an existing account.
 */

const OWN_PASSWORD = 'Mailbox-0wner!';
const ATTACKER_PASSWORD = 'Attacker-Passw0rd!';

function fresh(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}

for (const dialect of DIALECTS) {
  describe(`cross-tenant identity [${dialect}]`, () => {
    let t: TestApp;
    let platform: string;
    /** The attacker: an organization of its own, with its own client and Owner. */
    let attacker: TestOrganization;
    let attackerSession: string;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true });
      platform = await platformToken(t);
      attacker = await createTestOrganization(t, 'Attacker Inc');
      attackerSession = await sessionFor(t, attacker);
    });
    after(() => t.close());

    function trySignIn(email: string, password: string): Promise<LightMyRequestResponse> {
      return t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email, password } });
    }

    /** A platform client's organization whose Owner has no password (as `tessera org create` without --owner-password). */
    async function victimCorp(): Promise<{ id: string; ownerEmail: string; ownerId: string }> {
      const ownerEmail = fresh('ceo');
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(platform),
        payload: { name: `VictimCorp ${randomBytes(2).toString('hex')}`, owner: { email: ownerEmail } },
      });
      assert.equal(response.statusCode, 201, response.body);
      return { id: response.json().organization.id, ownerEmail, ownerId: response.json().owner.id };
    }

    async function inviteHeld(
      org: TestOrganization,
      email: string,
      extra: Record<string, unknown> = {},
    ): Promise<string> {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(org.token),
        payload: { email, sendEmail: false, ...extra },
      });
      assert.equal(response.statusCode, 201, response.body);
      return linkToken(response.json().acceptUrl);
    }

    /** The `count`th message to the address. */
    async function mailTo(address: string, count = 1): Promise<ReceivedMail> {
      return (await t.smtp!.mailTo(address, count))[count - 1]!;
    }

    async function liveSessions(email: string): Promise<number> {
      const rows = await t.deps.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.id')
        .where('users.email_canonical', '=', email.toLowerCase())
        .where('sessions.revoked_at', 'is', null)
        .execute();
      return rows.length;
    }

    async function userRow(email: string) {
      return t.deps.db
        .selectFrom('users')
        .selectAll()
        .where('email_canonical', '=', email.toLowerCase())
        .executeTakeFirst();
    }

    test("an inviter-held link cannot take over another organization's passwordless Owner (API and page), and no session for them exists", async () => {
      const victim = await victimCorp();
      const token = await inviteHeld(attacker, victim.ownerEmail);

      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: ATTACKER_PASSWORD, firstName: 'Mallory' },
      });
      assert.equal(accepted.statusCode, 401, accepted.body);
      assert.equal(accepted.json().code, 'INVALID_CREDENTIALS');

      // The page's form: the same refusal, whatever the form says.
      const page = await t.app.inject({ method: 'GET', url: `/invite/${token}` });
      assert.equal(page.statusCode, 200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const cookies = page.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
      const form = await t.app.inject({
        method: 'POST',
        url: `/invite/${token}/accept`,
        headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, password: ATTACKER_PASSWORD, firstName: 'Mallory' }).toString(),
      });
      assert.equal(form.statusCode, 401, form.body);
      assert.ok(!form.cookies.some((cookie) => cookie.name === 'tessera_session'));

      assert.equal(await liveSessions(victim.ownerEmail), 0);
      const row = (await userRow(victim.ownerEmail))!;
      assert.equal(row.password_hash, null);
      assert.equal(row.first_name, null);
      assert.equal((await trySignIn(victim.ownerEmail, ATTACKER_PASSWORD)).statusCode, 401);
      // Still pending, and the victim is no member of the attacker's organization.
      const invitation = await t.deps.db
        .selectFrom('invitations')
        .select('status')
        .where('organization_id', '=', attacker.organization.id)
        .where('email_canonical', '=', victim.ownerEmail)
        .executeTakeFirstOrThrow();
      assert.equal(invitation.status, 'PENDING');
      const membership = await t.deps.db
        .selectFrom('memberships')
        .select('id')
        .where('organization_id', '=', attacker.organization.id)
        .where('user_id', '=', victim.ownerId)
        .executeTakeFirst();
      assert.equal(membership, undefined);
    });

    test('an inviter-held link cannot sign in to an account that has a password either', async () => {
      const victim = await victimCorp();
      // The mailbox owner sets their password through the emailed setup link.
      const setup = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup',
        payload: { email: victim.ownerEmail },
      });
      assert.equal(setup.statusCode, 202, setup.body);
      const mail = await mailTo(victim.ownerEmail);
      const done = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup/complete',
        payload: { token: setupToken(mail), password: OWN_PASSWORD },
      });
      assert.equal(done.statusCode, 200, done.body);

      const token = await inviteHeld(attacker, victim.ownerEmail);
      for (const password of [ATTACKER_PASSWORD, undefined]) {
        const accepted = await t.app.inject({
          method: 'POST',
          url: '/v1/invitations/accept',
          payload: { token, password },
        });
        assert.ok([400, 401].includes(accepted.statusCode), accepted.body);
      }
      // Whoever holds the account's own password may use it (they are the person, or act for them).
      const own = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: OWN_PASSWORD },
      });
      assert.equal(own.statusCode, 200, own.body);
    });

    test("a preset password never applies to an existing account: the victim who presses Accept on the emailed page chooses their own, and the inviter's preset signs in nowhere", async () => {
      const victim = await victimCorp();
      const invited = await t.app.inject({
        method: 'POST',
        url: '/api/v1/organization/users/invite',
        headers: bearer(attackerSession),
        payload: { emailAddresses: [{ email: victim.ownerEmail, password: ATTACKER_PASSWORD }] },
      });
      assert.equal(invited.statusCode, 200, invited.body);
      const token = SmtpSink.token(await mailTo(victim.ownerEmail));

      const page = await t.app.inject({ method: 'GET', url: `/invite/${token}` });
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /set up for you/);
      assert.match(page.body, /name="password"/);

      // Pressing Accept without a password: no account change, no session.
      const pressed = await t.app.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
      assert.equal(pressed.statusCode, 400, pressed.body);
      assert.equal(pressed.json().code, 'PASSWORD_REQUIRED');
      assert.equal(await liveSessions(victim.ownerEmail), 0);
      assert.equal((await trySignIn(victim.ownerEmail, ATTACKER_PASSWORD)).statusCode, 401);

      // The mailbox owner chooses a password: theirs, the preset never.
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: OWN_PASSWORD },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal((await trySignIn(victim.ownerEmail, ATTACKER_PASSWORD)).statusCode, 401);
      const own = await signIn(t, victim.ownerEmail, OWN_PASSWORD);
      // And that session reaches the victim's own organization.
      const members = await t.app.inject({ url: `/v1/organizations/${victim.id}/members`, headers: bearer(own) });
      assert.equal(members.statusCode, 200, members.body);
    });

    function setupToken(mail: ReceivedMail): string {
      return linkToken(/https?:\/\/\S+\/password-setup\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0]);
    }

    test('a passwordless Owner sets a password through the link Tessera emails, then signs in; the link works once', async () => {
      const victim = await victimCorp();
      const stranger = fresh('nobody');
      for (const email of [victim.ownerEmail, stranger]) {
        const asked = await t.app.inject({ method: 'POST', url: '/v1/password-setup', payload: { email } });
        assert.equal(asked.statusCode, 202, asked.body);
        assert.deepEqual(asked.json(), {
          message: 'If an account uses this address, a link to set its password is on its way.',
        });
      }
      const mail = await mailTo(victim.ownerEmail);
      assert.match(mail.subject, /password/i);
      const token = setupToken(mail);

      // The page shows a form for it.
      const page = await t.app.inject({ method: 'GET', url: `/password-setup/${token}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="password"/);
      assert.equal(page.headers['referrer-policy'], 'no-referrer');

      const weak = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup/complete',
        payload: { token, password: 'weak' },
      });
      assert.equal(weak.statusCode, 400, weak.body);
      const done = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup/complete',
        payload: { token, password: OWN_PASSWORD },
      });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().user.email, victim.ownerEmail);
      const again = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup/complete',
        payload: { token, password: OWN_PASSWORD },
      });
      assert.equal(again.statusCode, 404, again.body);

      const session = await signIn(t, victim.ownerEmail, OWN_PASSWORD);
      const organization = await t.app.inject({
        url: `/v1/organizations/${victim.id}/members`,
        headers: bearer(session),
      });
      assert.equal(organization.statusCode, 200, organization.body);
      // Nobody was sent anything for the address without an account.
      assert.deepEqual(await waitForOutboxSettled(t, { to: stranger }), [], 'nothing was queued for it');
      assert.equal(t.smtp!.received.filter((m) => m.to === stranger).length, 0);
    });

    test("a provisional password reaches only its organization, and gives way when the mailbox owner accepts another organization's emailed invitation: the old sessions end", async () => {
      const person = fresh('newcomer');
      // The attacker's admin presets a password for an address that has no account; the invitation is emailed.
      const preset = await t.app.inject({
        method: 'POST',
        url: '/api/v1/organization/users/invite',
        headers: bearer(attackerSession),
        payload: { emailAddresses: [{ email: person, password: ATTACKER_PASSWORD }] },
      });
      assert.equal(preset.statusCode, 200, preset.body);
      const firstToken = SmtpSink.token(await mailTo(person));
      const joined = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: firstToken },
      });
      assert.equal(joined.statusCode, 200, joined.body);

      // The inviter knows the preset: it signs in, but only into the inviting organization.
      const provisional = await signIn(t, person, ATTACKER_PASSWORD);
      const inAttacker = await t.app.inject({
        url: `/v1/organizations/${attacker.organization.id}/members`,
        headers: bearer(provisional),
      });
      assert.equal(inAttacker.statusCode, 200, inAttacker.body);

      // Another organization invites the same person, by email.
      const other = await createTestOrganization(t, 'Other Org');
      const invited = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${other.organization.id}/invitations`,
        headers: bearer(other.token),
        payload: { email: person, roleName: 'Administrator' },
      });
      assert.equal(invited.statusCode, 201, invited.body);
      const token = SmtpSink.token(await mailTo(person, 2));

      // The preset is no way in through this link: the mailbox owner must choose a password.
      const lookup = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
      assert.equal(lookup.json().passwordRequired, true, lookup.body);
      assert.equal(lookup.json().signInRequired, false, lookup.body);
      const withPreset = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: ATTACKER_PASSWORD },
      });
      assert.equal(withPreset.statusCode, 400, withPreset.body);
      assert.equal(withPreset.json().code, 'PASSWORD_REUSED');
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, password: OWN_PASSWORD },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);

      // The old sessions are over, the preset signs in no more, the person's own password reaches both.
      const old = await t.app.inject({
        url: `/v1/organizations/${attacker.organization.id}/members`,
        headers: bearer(provisional),
      });
      assert.equal(old.statusCode, 401, old.body);
      assert.equal((await trySignIn(person, ATTACKER_PASSWORD)).statusCode, 401);
      assert.equal(await liveSessions(person), 1);
      const own = await signIn(t, person, OWN_PASSWORD);
      for (const orgId of [attacker.organization.id, other.organization.id]) {
        const members = await t.app.inject({ url: `/v1/organizations/${orgId}/members`, headers: bearer(own) });
        assert.equal(members.statusCode, 200, `${orgId}: ${members.body}`);
      }
    });

    test('a session opened with a provisional password is refused by every other organization the account belongs to', async () => {
      const person = fresh('two-orgs');
      const other = await createTestOrganization(t, 'Second Org');
      // Made an Administrator of `other` through an inviter-held link: provisional for `other`.
      const heldToken = await inviteHeld(other, person, { roleName: 'Administrator' });
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: heldToken, password: ATTACKER_PASSWORD },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      const session = accepted.json().session.token as string;
      const reaches = await t.app.inject({
        url: `/v1/organizations/${other.organization.id}/members`,
        headers: bearer(session),
      });
      assert.equal(reaches.statusCode, 200, reaches.body);

      // The attacker, holding an inviter-held link of its own, cannot join the account with that password.
      const attackerToken = await inviteHeld(attacker, person);
      const joined = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: attackerToken, password: ATTACKER_PASSWORD },
      });
      assert.equal(joined.statusCode, 401, joined.body);
      // Nor with the provisional session as Bearer.
      const bySession = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        headers: bearer(session),
        payload: { token: attackerToken },
      });
      assert.ok([400, 401].includes(bySession.statusCode), bySession.body);
      // And the surfaces that take a session see only `other`.
      const surface = await t.app.inject({
        method: 'POST',
        url: '/api/v1/organization/users/invite',
        headers: { ...bearer(session), 'x-organization-id': attacker.organization.id },
        payload: { emailAddresses: [{ email: fresh('x') }] },
      });
      assert.equal(surface.statusCode, 403, surface.body);
    });

    test('with an inviter-held link, lookup and the page answer byte for byte the same for an address without an account, with one, and with a passwordless one', async () => {
      const withAccount = fresh('has-account');
      const setupOwner = await victimCorp();
      const passwordless = setupOwner.ownerEmail;
      // An account with its own password.
      const elsewhere = await createTestOrganization(t, 'Elsewhere');
      const elsewhereToken = await inviteHeld(elsewhere, withAccount);
      const made = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: elsewhereToken, password: OWN_PASSWORD, firstName: 'Private', lastName: 'Person' },
      });
      assert.equal(made.statusCode, 200, made.body);

      const answers = [];
      for (const email of [fresh('unknown'), withAccount, passwordless]) {
        const token = await inviteHeld(attacker, email, { firstName: 'Given', lastName: 'Name' });
        const lookup = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
        assert.equal(lookup.statusCode, 200, lookup.body);
        const page = await t.app.inject({ method: 'GET', url: `/invite/${token}` });
        assert.equal(page.statusCode, 200);
        const { expiresAt, ...rest } = lookup.json();
        const blank = (text: string) =>
          text
            .replaceAll(email, '(address)')
            .replaceAll(token, '(token)')
            .replace(/name="_csrf" value="[^"]*"/g, '')
            .replace(/<time datetime="[^"]*">[^<]*<\/time>/g, '(expiry)');
        answers.push({
          lookup: blank(JSON.stringify({ ...rest, expiresAt: typeof expiresAt })),
          lookupHeaders: lookup.headers['content-type'],
          page: blank(page.body),
        });
      }
      assert.deepEqual(answers[1], answers[0]);
      assert.deepEqual(answers[2], answers[0]);
      assert.doesNotMatch(answers[1]!.page, /Private|Person/);
    });

    test('the user id an organization sees carries no time: random (v4), whether the account is new or older', async () => {
      const older = fresh('older');
      const elsewhere = await createTestOrganization(t, 'Ids Elsewhere');
      const made = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: await inviteHeld(elsewhere, older), password: OWN_PASSWORD },
      });
      assert.equal(made.statusCode, 200, made.body);
      const session = await sessionFor(t, attacker);
      for (const email of [older, fresh('brand-new')]) {
        const invited = await t.app.inject({
          method: 'POST',
          url: '/users-organizations/v1/ad/invite',
          headers: { ...bearer(attacker.token), 'x-session-token': session },
          payload: { firstName: 'Given', lastName: 'Name', email, permissions: { group: 1 } },
        });
        assert.equal(invited.statusCode, 201, invited.body);
      }
      const page = await t.app.inject({
        url: `/v1/organizations/${attacker.organization.id}/members?status=INVITED&limit=100`,
        headers: bearer(attacker.token),
      });
      const ids = (page.json().data as Array<{ user: { id: string; email: string } }>).filter(
        (m) => [older].includes(m.user.email) || m.user.email.startsWith('brand-new'),
      );
      assert.equal(ids.length, 2);
      for (const member of ids)
        assert.match(
          member.user.id,
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          member.user.email,
        );
    });

    test('a password set while a provisional one is being checked leaves no session behind (accept, accept signed in, and sign-in racing the owner)', async () => {
      // Found by review: the accept's decision (a slow password check) was made before its
      // transaction, and the session took the account's reach as it was after the owner set their own.
      const other = await createTestOrganization(t, 'Race Org');
      for (let trial = 0; trial < 12; trial++) {
        const person = fresh(`race-${trial}`);
        const made = await t.app.inject({
          method: 'POST',
          url: '/v1/invitations/accept',
          payload: { token: await inviteHeld(other, person), password: ATTACKER_PASSWORD },
        });
        assert.equal(made.statusCode, 200, made.body);
        const userId = made.json().session.user.id as string;
        const provisional = made.json().session.token as string;
        const removed = await t.app.inject({
          method: 'DELETE',
          url: `/v1/organizations/${other.organization.id}/members/${userId}`,
          headers: bearer(other.token),
        });
        assert.equal(removed.statusCode, 204, removed.body);
        const again = await inviteHeld(other, person);
        assert.equal(
          (await t.app.inject({ method: 'POST', url: '/v1/password-setup', payload: { email: person } })).statusCode,
          202,
        );
        const setup = setupToken(await mailTo(person));

        const racers = await Promise.all([
          [
            () =>
              t.app.inject({
                method: 'POST',
                url: '/v1/invitations/accept',
                payload: { token: again, password: ATTACKER_PASSWORD },
              }),
            () => trySignIn(person, ATTACKER_PASSWORD),
            () =>
              t.app.inject({
                method: 'POST',
                url: '/v1/invitations/accept',
                headers: bearer(provisional),
                payload: { token: again },
              }),
          ][trial % 3]!(),
          t.app.inject({
            method: 'POST',
            url: '/v1/password-setup/complete',
            payload: { token: setup, password: OWN_PASSWORD },
          }),
        ]);
        assert.equal(racers[1].statusCode, 200, racers[1].body);
        const live = await t.deps.db
          .selectFrom('sessions')
          .select(['organization_id'])
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .execute();
        assert.deepEqual(
          live,
          [{ organization_id: null }],
          `trial ${trial}: ${racers[0].statusCode} ${racers[0].body}`,
        );
      }
    });

    test('an accept made signed in, whose session the owner ended meanwhile, is decided again without it and opens nothing', async () => {
      // The interleaving a race produces, made certain: the page or the API resolved the session,
      // then the mailbox owner reclaimed the account (ending it) before the accept ran.
      const other = await createTestOrganization(t, 'Ended Session Org');
      const person = fresh('ended');
      const made = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: await inviteHeld(other, person), password: ATTACKER_PASSWORD },
      });
      assert.equal(made.statusCode, 200, made.body);
      const userId = made.json().session.user.id as string;
      const presented = await resolveSession(t.deps, made.json().session.token);
      assert.ok(presented);
      await t.app.inject({
        method: 'DELETE',
        url: `/v1/organizations/${other.organization.id}/members/${userId}`,
        headers: bearer(other.token),
      });
      const again = await inviteHeld(other, person);
      await t.app.inject({ method: 'POST', url: '/v1/password-setup', payload: { email: person } });
      const reclaimed = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup/complete',
        payload: { token: setupToken(await mailTo(person)), password: OWN_PASSWORD },
      });
      assert.equal(reclaimed.statusCode, 200, reclaimed.body);

      await assert.rejects(
        acceptInvitation(t.deps, { token: again, session: presented }),
        (error: AppError) => error.code === 'PASSWORD_REQUIRED',
      );
      const live = await t.deps.db
        .selectFrom('sessions')
        .select('organization_id')
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      assert.deepEqual(live, [{ organization_id: null }]);
    });

    test('accepting an inviter-held link without a password answers the same for an address with an account and one without', async () => {
      const victim = await victimCorp();
      const answers = [];
      for (const email of [victim.ownerEmail, fresh('nobody')]) {
        const token = await inviteHeld(attacker, email);
        const api = await t.app.inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
        const page = await t.app.inject({ method: 'GET', url: `/invite/${token}` });
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
        const form = await t.app.inject({
          method: 'POST',
          url: `/invite/${token}/accept`,
          headers: {
            cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: new URLSearchParams({ _csrf: csrf, password: '' }).toString(),
        });
        const blank = (text: string) =>
          text
            .replaceAll(email, '(address)')
            .replaceAll(token, '(token)')
            .replace(/name="_csrf" value="[^"]*"/g, '')
            .replace(/<time datetime="[^"]*">[^<]*<\/time>/g, '')
            .replace(/req_[0-9a-f]+/g, '');
        answers.push({
          api: { status: api.statusCode, body: blank(api.body) },
          form: { status: form.statusCode, body: blank(form.body) },
        });
      }
      assert.equal(answers[0]!.api.status, 400);
      assert.deepEqual(answers[1], answers[0]);
    });

    test('the inviter is named as the organization knows them, never by names another organization entered', async () => {
      const person = fresh('dave');
      const first = await createTestOrganization(t, 'Names Entered Elsewhere');
      const emailed = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${first.organization.id}/invitations`,
        headers: bearer(first.token),
        payload: { email: person, firstName: 'Dave', lastName: 'EnteredByFirst' },
      });
      assert.equal(emailed.statusCode, 201, emailed.body);
      const joinedFirst = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: SmtpSink.token(await mailTo(person)), password: OWN_PASSWORD },
      });
      assert.equal(joinedFirst.statusCode, 200, joinedFirst.body);
      const dave = joinedFirst.json().session.user.id as string;
      // Dave joins the attacker's organization too, signed in, without giving names there.
      const own = await signIn(t, person, OWN_PASSWORD);
      const invited = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${attacker.organization.id}/invitations`,
        headers: bearer(attacker.token),
        payload: { email: person },
      });
      assert.equal(invited.statusCode, 201, invited.body);
      const joined = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        headers: bearer(own),
        payload: { token: SmtpSink.token(await mailTo(person, 2)) },
      });
      assert.equal(joined.statusCode, 200, joined.body);

      // The attacker names Dave as an inviter and reads the name back.
      const probe = fresh('probe');
      const token = await inviteHeld(attacker, probe, { inviterUserId: dave });
      const lookup = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
      assert.equal(lookup.json().inviter.name, person);
      const page = await t.app.inject({ method: 'GET', url: `/invite/${token}` });
      assert.doesNotMatch(page.body, /EnteredByFirst/);
      const member = await t.app.inject({
        url: `/v1/organizations/${attacker.organization.id}/members/${dave}`,
        headers: bearer(attacker.token),
      });
      assert.equal(member.json().user.lastName, null);
    });

    test('asking for setup links costs the account nothing: earlier links keep working, invitation emails still go out, and at most three an hour are sent', async () => {
      const victim = await victimCorp();
      for (let i = 0; i < 5; i++) {
        const asked = await t.app.inject({
          method: 'POST',
          url: '/v1/password-setup',
          payload: { email: victim.ownerEmail },
        });
        assert.equal(asked.statusCode, 202, asked.body);
      }
      await waitForOutboxIdle(t);
      const links = t.smtp!.received.filter((m) => m.to === victim.ownerEmail).map(setupToken);
      assert.equal(links.length, 3);
      // Another organization's invitation still reaches the address (its own daily budget untouched).
      const invited = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${attacker.organization.id}/invitations`,
        headers: bearer(attacker.token),
        payload: { email: victim.ownerEmail },
      });
      assert.equal(invited.statusCode, 201, invited.body);
      const invitation = await mailTo(victim.ownerEmail, 4);
      assert.match(invitation.text, /\/invite\//);
      // The first link still works.
      const page = await t.app.inject({ method: 'GET', url: `/password-setup/${links[0]}` });
      assert.equal(page.statusCode, 200);
      const done = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup/complete',
        payload: { token: links[0], password: OWN_PASSWORD },
      });
      assert.equal(done.statusCode, 200, done.body);
      // And using one ends the others.
      const later = await t.app.inject({
        method: 'POST',
        url: '/v1/password-setup/complete',
        payload: { token: links[2], password: OWN_PASSWORD },
      });
      assert.equal(later.statusCode, 404, later.body);
    });

    test("another organization's spelling of an address never shows: an account made from a bare profile, and the member list, use the invitation's", async () => {
      const local = randomBytes(4).toString('hex');
      const session = await sessionFor(t, attacker);
      // The attacker makes a bare profile, in lower case.
      const bare = await t.app.inject({
        method: 'POST',
        url: '/users-organizations/v1/ad/invite',
        headers: { ...bearer(attacker.token), 'x-session-token': session },
        payload: { firstName: 'Bare', lastName: 'Profile', email: `vic-${local}@v.example`, permissions: { group: 1 } },
      });
      assert.equal(bare.statusCode, 201, bare.body);
      const other = await createTestOrganization(t, 'Spelling Org');
      const spelled = `VIC-${local.toUpperCase()}@V.EXAMPLE`;
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: await inviteHeld(other, spelled), password: OWN_PASSWORD },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json().session.user.email, spelled);
      const member = await t.app.inject({
        url: `/v1/organizations/${other.organization.id}/members/${accepted.json().session.user.id}`,
        headers: bearer(other.token),
      });
      assert.equal(member.json().user.email, spelled);
    });

    test("names an inviter gives live on the invitation and the membership, never on the person's own profile", async () => {
      const person = fresh('named');
      const first = await createTestOrganization(t, 'First Names Org');
      const emailedFirst = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${first.organization.id}/invitations`,
        headers: bearer(first.token),
        payload: { email: person },
      });
      assert.equal(emailedFirst.statusCode, 201, emailedFirst.body);
      const firstToken = SmtpSink.token(await mailTo(person));
      const made = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: firstToken, password: OWN_PASSWORD, firstName: 'Ada', lastName: 'Lovelace' },
      });
      assert.equal(made.statusCode, 200, made.body);
      const userId = made.json().session.user.id as string;

      // The attacker's admin names the person otherwise, on both surfaces that take names.
      const session = await sessionFor(t, attacker);
      const named = await t.app.inject({
        method: 'POST',
        url: '/users-organizations/v1/ad/invite',
        headers: { ...bearer(attacker.token), 'x-session-token': session },
        payload: { firstName: 'Evil', lastName: 'Name', email: person, permissions: { group: 1 } },
      });
      assert.equal(named.statusCode, 201, named.body);
      const row = (await userRow(person))!;
      assert.deepEqual([row.first_name, row.last_name], ['Ada', 'Lovelace']);

      // The attacker sees its own names for the person, never the ones given elsewhere.
      const member = await t.app.inject({
        url: `/v1/organizations/${attacker.organization.id}/members/${userId}`,
        headers: bearer(attacker.token),
      });
      assert.equal(member.statusCode, 200, member.body);
      assert.equal(member.json().user.firstName, 'Evil');
      // And the first organization still sees the names it was given.
      const theirs = await t.app.inject({
        url: `/v1/organizations/${first.organization.id}/members/${userId}`,
        headers: bearer(first.token),
      });
      assert.equal(theirs.json().user.firstName, 'Ada');
      // The person accepts the attacker's invitation signed in: their profile keeps their own names.
      const own = await signIn(t, person, OWN_PASSWORD);
      const token = SmtpSink.token(await mailTo(person, 2));
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        headers: bearer(own),
        payload: { token },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json().session.user.firstName, 'Ada');
      const active = await t.app.inject({
        url: `/v1/organizations/${attacker.organization.id}/members/${userId}`,
        headers: bearer(attacker.token),
      });
      assert.equal(active.json().user.firstName, 'Evil');
      assert.equal(active.json().status, 'ACTIVE');
    });
  });
}
