import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Locale } from '../../src/i18n/locales.js';
import { messagesFor } from '../../src/i18n/messages.js';
import { accessibilityViolations, CHROMIUM_MISSING, launchChromium, screenshots } from '../helpers/browser.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { DIALECTS } from '../helpers/test-db.js';
import {
  bearer,
  createTestOrganization,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';

/**
 * The invitee's page in the invitation's language, with the organization's brand: Japanese and
 * Arabic (right to left) as a reader sees them in Chromium, and the language menu (`?lang=`).
 */

// What runs in the page (passed to `evaluate`): the test's TypeScript has no DOM types.
declare const getComputedStyle: (element: unknown) => { direction: string; backgroundColor: string };
interface Box {
  left: number;
  right: number;
}
declare const document: { createRange(): { selectNodeContents(node: unknown): void; getBoundingClientRect(): Box } };

const LOGO_URL = 'https://assets.nimbus.example/logo.png';
const ACCENT = '#0f766e';

for (const dialect of DIALECTS) {
  describe(`the invitee's page in other languages, in Chromium [${dialect}]`, { skip: CHROMIUM_MISSING }, () => {
    let t: TestApp;
    let org: TestOrganization;
    let browser: Browser;
    let logo: Buffer;

    before(async () => {
      t = await startTestApp(dialect, {}, { smtp: true, listen: true });
      org = await createTestOrganization(t, 'Nimbus Systems');
      const branded = await t.app.inject({
        method: 'PATCH',
        url: `/v1/organizations/${org.organization.id}`,
        headers: bearer(org.token),
        payload: {
          branding: {
            displayName: 'Nimbus',
            logoUrl: LOGO_URL,
            accentColor: ACCENT,
            supportEmail: 'help@nimbus.example',
          },
          timeZone: 'Asia/Tokyo',
        },
      });
      assert.equal(branded.statusCode, 200, branded.body);
      browser = await launchChromium();
      logo = await drawLogo(browser);
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    /** A logo image, drawn by the browser itself (the machine has no network to fetch one from). */
    async function drawLogo(chromium: Browser): Promise<Buffer> {
      const page = await chromium.newPage();
      await page.setContent(
        `<div id="logo" style="display:inline-block;padding:8px 14px;background:${ACCENT};color:#fff;font:700 22px sans-serif">NIMBUS</div>`,
      );
      const png = await page.locator('#logo').screenshot();
      await page.close();
      return png;
    }

    /** A browser whose requests for the logo's host are answered with the logo. */
    async function brandedContext(width = 390): Promise<BrowserContext> {
      const context = await browser.newContext({ viewport: { width, height: 844 } });
      await context.route(`${new URL(LOGO_URL).origin}/**`, (route) =>
        route.fulfill({ status: 200, contentType: 'image/png', body: logo }),
      );
      return context;
    }

    async function invite(email: string, locale: Locale, message?: string): Promise<string> {
      const earlier = t.smtp!.received.filter((mail) => mail.to === email).length;
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(org.token),
        payload: { email, locale, roleName: 'Administrator', firstName: 'Yui', ...(message ? { message } : {}) },
      });
      assert.equal(response.statusCode, 201, response.body);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const mails = t.smtp!.received.filter((mail) => mail.to === email);
        if (mails.length > earlier) return SmtpSink.link(mails[earlier]!);
        if (Date.now() > deadline) throw new Error(`no mail for ${email}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    async function expectNoViolations(page: Page, name: string): Promise<void> {
      const violations = await accessibilityViolations(page);
      assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
    }

    /** The logo loaded: the page's content security policy let its origin through. */
    async function logoLoaded(page: Page): Promise<boolean> {
      return page
        .locator('img.logo')
        .evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0);
    }

    test("Japanese: the page speaks the invitation's language, with the brand, accessible", async () => {
      const ja = messagesFor('ja');
      const link = await invite('yui.tanaka@example.com', 'ja', 'ようこそ！\n一緒に働けるのを楽しみにしています。');
      const context = await brandedContext();
      const page = await context.newPage();
      const response = await page.goto(link);
      assert.equal(response!.status(), 200);
      assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
      assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
      assert.equal(await page.locator('h1').textContent(), ja.text('page.title', { organization: 'Nimbus' }));
      assert.equal(
        await page.getByRole('button', { name: ja.text('page.accept') }).isVisible(),
        true,
        'the accept button is in Japanese',
      );
      // The personal message is quoted, with its line break.
      const quote = page.locator('figure.message blockquote');
      assert.equal(await quote.textContent(), 'ようこそ！\n一緒に働けるのを楽しみにしています。');
      // The expiry in the organization's time zone, written for Japanese readers.
      assert.match((await page.locator('dl.facts time').textContent()) ?? '', /\d{4}年\d{1,2}月\d{1,2}日/);
      // The brand: logo (allowed by the policy), alt text and size; the accent on the button.
      assert.equal(await logoLoaded(page), true);
      assert.equal(await page.locator('img.logo').getAttribute('alt'), 'Nimbus');
      assert.equal(await page.locator('img.logo').getAttribute('height'), '40');
      const buttonColour = await page
        .getByRole('button', { name: ja.text('page.accept') })
        .evaluate((button) => getComputedStyle(button).backgroundColor);
      assert.equal(buttonColour, 'rgb(15, 118, 110)');
      assert.match(
        response!.headers()['content-security-policy']!,
        /img-src 'self' https:\/\/assets\.nimbus\.example;/,
      );
      assert.match((await page.locator('.support a').getAttribute('href')) ?? '', /^mailto:help@nimbus\.example$/);

      await screenshots(page, `${dialect}-invitation-ja`);
      await page.setViewportSize({ width: 1280, height: 900 });
      await expectNoViolations(page, 'ja at 1280');
      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoViolations(page, 'ja at 390');
      await context.close();
    });

    test('Arabic: right to left, mirrored, with the address and numbers still readable', async () => {
      const ar = messagesFor('ar');
      const link = await invite('yusuf.haddad@example.com', 'ar', 'أهلًا بك في الفريق!\nSee you on 3 March.');
      for (const width of [390, 1280]) {
        const context = await brandedContext(width);
        const page = await context.newPage();
        await page.goto(link);
        assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
        assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
        assert.equal(await page.locator('h1').textContent(), ar.text('page.title', { organization: 'Nimbus' }));
        assert.equal(await page.locator('main').evaluate((main) => getComputedStyle(main).direction), 'rtl');

        // Mirrored: each label sits to the right of its value (at 1280, where they share a row), and
        // the heading starts at the right edge.
        const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
        const main = await box('main');
        const heading = await page.locator('h1').evaluate((h1): Box => {
          const range = document.createRange();
          range.selectNodeContents(h1);
          const bounds = range.getBoundingClientRect();
          return { left: bounds.left, right: bounds.right };
        });
        assert.ok(main.x + main.width - heading.right < heading.left - main.x, 'the heading hugs the right side');
        if (width === 1280) {
          const label = await box('dl.facts dt');
          const value = await box('dl.facts dd');
          assert.ok(label.x > value.x, 'the label is to the right of its value');
        }
        // The address keeps its left-to-right order inside the Arabic page.
        const address = page.locator('dl.facts dd bdi').first();
        assert.equal(await address.textContent(), 'yusuf.haddad@example.com');
        assert.equal(await address.evaluate((bdi) => getComputedStyle(bdi).direction), 'ltr');
        assert.equal(await page.locator('#field-email').getAttribute('dir'), 'ltr');
        // Latin text and numbers inside the Arabic message keep their own order.
        assert.equal(await page.locator('figure.message blockquote').getAttribute('dir'), 'auto');
        assert.equal(await logoLoaded(page), true);

        await expectNoViolations(page, `ar at ${width}`);
        if (width === 1280) await screenshots(page, `${dialect}-invitation-ar`);
        await context.close();
      }
    });

    test('?lang= switches the language, and the forms answer in it', async () => {
      const link = await invite('lang.switch@example.com', 'ja');
      const context = await brandedContext(1280);
      const page = await context.newPage();
      await page.goto(link);
      assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
      // Every language is offered, each link in its own language; the current one is marked.
      const menu = page.getByRole('navigation', { name: messagesFor('ja').text('page.languages') });
      assert.equal(await menu.getByRole('link').count(), 10);
      assert.equal(await menu.locator('a[aria-current="true"]').getAttribute('lang'), 'ja');

      await menu.getByRole('link', { name: 'Français' }).click();
      await page.waitForLoadState();
      const fr = messagesFor('fr');
      assert.match(page.url(), /\?lang=fr$/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      assert.equal(await page.locator('h1').textContent(), fr.text('page.title', { organization: 'Nimbus' }));

      // A refused password is explained in French, and the page stays French.
      await page.getByLabel(fr.text('page.field.lastName'), { exact: true }).fill('Martin');
      await page.getByLabel(fr.text('page.field.newPassword')).fill('tout-en-minuscules1');
      await page.getByRole('button', { name: fr.text('page.accept') }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('.field-error').textContent(), fr.text('error.password.upper'));
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      await screenshots(page, `${dialect}-invitation-fr-error`);

      await page.getByLabel(fr.text('page.field.newPassword')).fill('Tout-en-Majuscule1');
      await page.getByRole('button', { name: fr.text('page.accept') }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), fr.text('accepted.title', { organization: 'Nimbus' }));
      await expectNoViolations(page, 'accepted, fr');

      // A link that is no longer valid is explained in the language asked for.
      await page.goto(`${link}?lang=ar`);
      assert.equal(await page.locator('h1').textContent(), messagesFor('ar').text('invalid.heading'));
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      // An unknown ?lang= is ignored: the browser's own language decides.
      const german = await browser.newContext({
        locale: 'de-DE',
        extraHTTPHeaders: { 'accept-language': 'de-DE,de;q=0.9' },
      });
      const deadPage = await german.newPage();
      await deadPage.goto(`${link}?lang=xx`);
      assert.equal(await deadPage.locator('h1').textContent(), messagesFor('de').text('invalid.heading'));
      await german.close();
      await context.close();
    });
  });
}
