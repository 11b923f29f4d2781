import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { authorizeOrganization } from '../../src/auth/authorize.js';
import { ORGANIZATION_CLIENT_SCOPES } from '../../src/auth/permissions.js';
import { inviteMany } from '../../src/modules/invitations/invitation.create.js';
import { accessibilityViolations, CHROMIUM_MISSING, launchChromium, screenshots } from '../helpers/browser.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  platformToken,
  startTestApp,
  tokenFor,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { linkToken } from '../helpers/links.js';

for (const dialect of DIALECTS) {
  describe(`the invitee's page, in Chromium [${dialect}]`, { skip: CHROMIUM_MISSING }, () => {
    let t: TestApp;
    let org: TestOrganization;
    let browser: Browser;
    let base: string;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true, listen: true });
      base = t.config.publicUrl;
      org = await createTestOrganization(t, 'Acme & Co');
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    /** A browser with JavaScript off: the page must work without it. */
    async function noScriptContext(): Promise<BrowserContext> {
      return browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    }

    async function inviteAndReceive(email: string, payload: Record<string, unknown> = {}): Promise<string> {
      const earlier = t.smtp!.received.filter((mail) => mail.to.toLowerCase() === email.toLowerCase()).length;
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(await freshToken()),
        payload: { email, ...payload },
      });
      assert.equal(response.statusCode, 201, response.body);
      return linkFor(email, earlier);
    }

    async function linkFor(email: string, index = 0): Promise<string> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const mails = t.smtp!.received.filter((mail) => mail.to.toLowerCase() === email.toLowerCase());
        if (mails.length > index) return SmtpSink.link(mails[index]!);
        if (Date.now() > deadline) throw new Error(`no mail for ${email}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    async function freshToken(): Promise<string> {
      return tokenFor(t, org.clientId, org.clientSecret);
    }

    async function memberByEmail(email: string) {
      const members = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/members?limit=100`,
        headers: bearer(await freshToken()),
      });
      return members
        .json()
        .data.find((member: { user: { email: string } }) => member.user.email.toLowerCase() === email.toLowerCase());
    }

    async function checkAccessibility(url: string, name: string): Promise<void> {
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      await page.goto(url);
      const violations = await accessibilityViolations(page);
      assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
      await context.close();
    }

    test('a new invitee reads who invited them, creates an account and accepts', async () => {
      const link = await inviteAndReceive('new.person@example.com', { roleName: 'Administrator', firstName: 'Nia' });
      const context = await noScriptContext();
      const page = await context.newPage();
      const response = await page.goto(link);
      assert.equal(response!.status(), 200);
      assert.equal(response!.headers()['referrer-policy'], 'no-referrer');
      assert.equal(response!.headers()['cache-control'], 'no-store');
      const main = page.locator('main');
      assert.equal(await page.locator('h1').textContent(), 'Join Acme & Co');
      const lead = await main.locator('.lead').textContent();
      assert.equal(lead, `${org.owner!.email} invited you to join Acme & Co as Administrator.`);
      assert.match(
        (await main.locator('dl.facts').textContent()) ?? '',
        /Expires\w+day, \w+ \d+, \d{4} at \d{1,2}:\d{2}\s[AP]M UTC/,
      );
      assert.equal(await page.getByLabel('First name').inputValue(), 'Nia');
      await screenshots(page, `${dialect}-invitation-new-account`);

      // A password that fails the policy is refused on the form, with the reason next to the field.
      await page.getByLabel('Last name').fill('Okafor');
      await page.getByLabel('Choose a password').fill('alllowercase');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForLoadState();
      assert.equal(
        await page.locator('.field-error').textContent(),
        'Your password must contain an upper-case letter.',
      );
      assert.equal(await page.getByLabel('Choose a password').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('Last name').inputValue(), 'Okafor', 'what was typed is kept');
      await screenshots(page, `${dialect}-invitation-error`);

      await page.getByLabel('Choose a password').fill('Str0ng-enough!');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), "You've joined Acme & Co");
      assert.match(
        (await page.locator('.lead').textContent()) ?? '',
        /as Administrator, signed in as new\.person@example\.com/,
      );
      await screenshots(page, `${dialect}-accepted`);
      await context.close();

      const member = await memberByEmail('new.person@example.com');
      assert.equal(member.status, 'ACTIVE');
      assert.equal(member.role.name, 'Administrator');
      assert.equal(member.user.firstName, 'Nia');
      assert.equal(member.user.lastName, 'Okafor');
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: 'new.person@example.com', password: 'Str0ng-enough!' },
      });
      assert.equal(signIn.statusCode, 201);
    });

    test('a preset password: the page asks for no password', async () => {
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
      await inviteMany(t.deps, access, [{ email: 'preset@example.com', password: 'Preset-Passw0rd!' }], {
        atomic: true,
      });
      const link = await linkFor('preset@example.com');
      const context = await noScriptContext();
      const page = await context.newPage();
      await page.goto(link);
      assert.equal(await page.locator('input[type=password]').count(), 0);
      assert.match(
        (await page.locator('form p.muted').first().textContent()) ?? '',
        /password has been set up for you/,
      );
      await screenshots(page, `${dialect}-invitation-preset-password`);
      await page.getByLabel('First name').fill('Pre');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), "You've joined Acme & Co");
      await context.close();
      assert.equal((await memberByEmail('preset@example.com')).status, 'ACTIVE');
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: 'preset@example.com', password: 'Preset-Passw0rd!' },
      });
      assert.equal(signIn.statusCode, 201);
    });

    test('someone who already has an account signs in to accept', async () => {
      // The invitee has an account whose address they proved, in another organization.
      const elsewhere = await createTestOrganization(t, 'Elsewhere');
      const { acceptUrl } = (
        await t.app.inject({
          method: 'POST',
          url: `/v1/organizations/${elsewhere.organization.id}/invitations/bulk`,
          headers: bearer(elsewhere.token),
          payload: { invitations: [{ email: 'returning@example.com' }] },
        })
      ).json().results[0];
      assert.equal(acceptUrl, undefined);
      const first = await linkFor('returning@example.com');
      await t.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token: linkToken(first), password: 'Return1ng-user!' },
      });

      const link = await inviteAndReceive('returning@example.com', { roleName: 'Viewer' });
      const context = await noScriptContext();
      const page = await context.newPage();
      await page.goto(link);
      assert.equal(await page.getByLabel('Email').inputValue(), 'returning@example.com');
      assert.equal(await page.getByLabel('First name').count(), 0);
      await screenshots(page, `${dialect}-invitation-sign-in`);
      await page.getByLabel('Password').fill('not-my-password');
      await page.getByRole('button', { name: 'Sign in and accept' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('.field-error').textContent(), "That password isn't right. Try again.");
      await page.getByLabel('Password').fill('Return1ng-user!');
      await page.getByRole('button', { name: 'Sign in and accept' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), "You've joined Acme & Co");
      await context.close();
      assert.equal((await memberByEmail('returning@example.com')).role.name, 'Viewer');
    });

    test('an Owner without a password asks for the setup link, opens it from the email and chooses one', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(await platformToken(t)),
        payload: { name: 'Passwordless Ltd', owner: { email: 'no-password@example.com' } },
      });
      assert.equal(created.statusCode, 201, created.body);
      await checkAccessibility(`${base}/password-setup`, 'password-setup request page');
      const context = await noScriptContext();
      const page = await context.newPage();
      await page.goto(`${base}/password-setup`);
      await screenshots(page, `${dialect}-password-setup-request`);
      await page.getByLabel('Email').fill('no-password@example.com');
      await page.getByRole('button', { name: 'Email me a link' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Check your email');
      await screenshots(page, `${dialect}-password-setup-requested`);

      const mail = await new Promise<string>((resolve, reject) => {
        const deadline = Date.now() + 15_000;
        const poll = () => {
          const found = t.smtp!.received.find((m) => m.to === 'no-password@example.com');
          if (found) return resolve(/https?:\/\/\S+\/password-setup\/[A-Za-z0-9_-]+/.exec(found.text)![0]);
          if (Date.now() > deadline) return reject(new Error('no setup mail'));
          setTimeout(poll, 20);
        };
        poll();
      });
      await checkAccessibility(mail, 'choose-password page');
      await page.goto(mail);
      assert.equal(await page.getByLabel('Email').inputValue(), 'no-password@example.com');
      await page.getByLabel('New password').fill('alllowercase');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.waitForLoadState();
      assert.equal(
        await page.locator('.field-error').textContent(),
        'Your password must contain an upper-case letter.',
      );
      await screenshots(page, `${dialect}-password-setup-error`);
      await page.getByLabel('New password').fill('Own-Passw0rd!');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Your password is set');
      await screenshots(page, `${dialect}-password-set`);
      await context.close();
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        payload: { email: 'no-password@example.com', password: 'Own-Passw0rd!' },
      });
      assert.equal(signIn.statusCode, 201);
    });

    test('a link the inviter received reads the same for anyone, and says what to do with or without an account', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(await freshToken()),
        payload: { email: 'handed@example.com', sendEmail: false },
      });
      assert.equal(response.statusCode, 201, response.body);
      await checkAccessibility(response.json().acceptUrl, 'inviter-held link page');
      const context = await noScriptContext();
      const page = await context.newPage();
      await page.goto(response.json().acceptUrl);
      assert.match(
        (await page.locator('form p.muted').first().textContent()) ?? '',
        /If you already have an account with this address, enter its password instead/,
      );
      assert.equal(await page.getByLabel('Password').getAttribute('required'), '');
      await screenshots(page, `${dialect}-invitation-handed-link`);
      await context.close();
    });

    test('decline: a confirmation, and the invitation is DECLINED', async () => {
      const link = await inviteAndReceive('not.interested@example.com');
      const context = await noScriptContext();
      const page = await context.newPage();
      await page.goto(link);
      await page.getByRole('button', { name: 'Decline' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Invitation declined');
      await screenshots(page, `${dialect}-declined`);
      await context.close();
      const list = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/invitations?email=not.interested@example.com`,
        headers: bearer(await freshToken()),
      });
      assert.equal(list.json().data[0].status, 'DECLINED');
      assert.equal(await memberByEmail('not.interested@example.com'), undefined);
    });

    test('expired, revoked, used and unknown links all show the same friendly page', async () => {
      const expiring = await inviteAndReceive('expiring@example.com', { expiresInDays: 1 });
      const revokedLink = await inviteAndReceive('revoked@example.com');
      const revoked = (
        await t.app.inject({
          url: `/v1/organizations/${org.organization.id}/invitations?email=revoked@example.com`,
          headers: bearer(await freshToken()),
        })
      ).json().data[0];
      await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations/${revoked.id}/revoke`,
        headers: bearer(await freshToken()),
      });
      const used = await linkFor('new.person@example.com');
      const context = await noScriptContext();
      const page = await context.newPage();
      const pages: string[] = [];
      t.clock.advance(86_400 + 60);
      try {
        for (const link of [expiring, revokedLink, used, `${base}/invite/${'x'.repeat(43)}`]) {
          const response = await page.goto(link);
          assert.equal(response!.status(), 404);
          pages.push(await page.locator('main').innerHTML());
        }
      } finally {
        t.clock.advance(-(86_400 + 60));
      }
      assert.equal(new Set(pages).size, 1, 'one and the same page');
      assert.match(pages[0]!, /This invitation link isn't valid/);
      await screenshots(page, `${dialect}-invalid-link`);
      await context.close();
    });

    test('a signed-in user with another email is refused, and can sign out', async () => {
      const context = await noScriptContext();
      const page = await context.newPage();
      // Alice accepts her invitation: the browser is now signed in as her.
      await page.goto(await inviteAndReceive('alice@example.com'));
      await page.getByLabel('Choose a password').fill('Alice-Passw0rd!');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), "You've joined Acme & Co");

      // Bob's link, opened in Alice's browser.
      const bobLink = await inviteAndReceive('bob@example.com');
      await page.goto(bobLink);
      assert.equal(await page.locator('h1').textContent(), 'This invitation is for another address');
      assert.match(
        (await page.locator('[role=alert]').textContent()) ?? '',
        /signed in as alice@example\.com.*sent to bob@example\.com/,
      );
      assert.equal(await page.getByRole('button', { name: /Accept/ }).count(), 0);
      await screenshots(page, `${dialect}-wrong-account`);

      // Even a hand-made POST of the accept form is refused for her.
      const csrf = await page.locator('input[name=_csrf]').inputValue();
      const forged = await page.request.post(`${bobLink}/accept`, { form: { _csrf: csrf, password: 'Bob-Passw0rd!' } });
      assert.equal(forged.status(), 403);
      assert.equal(await memberByEmail('bob@example.com'), undefined);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Join Acme & Co');
      await page.getByLabel('Choose a password').fill('Bob-Passw0rd!');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForLoadState();
      assert.match((await page.locator('.lead').textContent()) ?? '', /signed in as bob@example\.com/);
      await context.close();
      assert.equal((await memberByEmail('bob@example.com')).status, 'ACTIVE');
    });

    test("after accepting, the invitee goes to the invitation's redirect URL", async () => {
      const link = await inviteAndReceive('redirected@example.com', { redirectUrl: `${base}/healthz?welcome=1` });
      const context = await noScriptContext();
      const page = await context.newPage();
      await page.goto(link);
      await page.getByLabel('Choose a password').fill('Redirect-1!');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForURL(`${base}/healthz?welcome=1`);
      assert.match(await page.content(), /"status":"ok"/);
      await context.close();
    });

    test('GET changes nothing, and a POST without its CSRF token changes nothing', async () => {
      const link = await inviteAndReceive('careful@example.com');
      const context = await noScriptContext();
      const page = await context.newPage();
      for (let i = 0; i < 3; i++) await page.goto(link);
      const forged = await page.request.post(`${link}/accept`, { form: { password: 'Forged-Passw0rd!' } });
      assert.equal(forged.status(), 403);
      const otherPage = await context.request.post(`${link}/decline`, { form: { _csrf: 'made-up' } });
      assert.equal(otherPage.status(), 403);
      await context.close();
      const list = await t.app.inject({
        url: `/v1/organizations/${org.organization.id}/invitations?email=careful@example.com`,
        headers: bearer(await freshToken()),
      });
      assert.equal(list.json().data[0].status, 'PENDING');
    });

    test('labels, focus order and contrast pass the axe accessibility check; Tab follows the form', async () => {
      const link = await inviteAndReceive('accessible@example.com');
      await checkAccessibility(link, 'invitation page');
      await checkAccessibility(`${base}/invite/${'x'.repeat(43)}`, 'invalid link page');

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(link);
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        order.push(
          await page.evaluate<string>(
            `document.activeElement.getAttribute('name') ?? document.activeElement.textContent.trim()`,
          ),
        );
      }
      assert.deepEqual(order, ['firstName', 'lastName', 'email', 'password', 'Accept invitation', 'Decline']);
      // The error state keeps its field labelled and described.
      await page.getByLabel('Choose a password').fill('alllowercase');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForLoadState();
      const described = await page.getByLabel('Choose a password').getAttribute('aria-describedby');
      assert.match(described ?? '', /field-password-error/);
      await context.close();
    });
  });
}
