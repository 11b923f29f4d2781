import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/tessera-process.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import {
  bearer,
  createTestOrganization,
  startTestApp,
  type TestApp,
  type TestOrganization,
} from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-db.js';

/** A temporary directory holding these files (name: content). */
async function directoryWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-templates-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

describe('a bad TEMPLATES_DIR stops the `tessera` process (exit code 78) with a message naming the file', () => {
  let templates: string;
  let data: string;
  let env: Record<string, string>;

  before(async () => {
    templates = await directoryWith({
      'invitation.subject.liquid': 'Join {{ organization.name }}',
      'invitation.html.fr.liquid': '<p>\n{{ organization.name }}\n{{ invitation.nme }}</p>',
      'README.md': 'ignored',
    });
    data = await mkdtemp(join(tmpdir(), 'tessera-data-'));
    env = {
      DATA_DIR: data,
      DATABASE_URL: `sqlite:${join(data, 't.db')}`,
      TEMPLATES_DIR: templates,
      // Were the start to succeed, it would listen where nothing conflicts (and the test time out).
      PORT: '0',
    };
  });
  after(async () => {
    await rm(templates, { recursive: true, force: true });
    await rm(data, { recursive: true, force: true });
  });

  for (const command of [['serve'], ['worker'], ['migrate']]) {
    test(`tessera ${command.join(' ')}`, () => {
      const { status, stderr } = runCli(command, env);
      assert.equal(status, 78, stderr);
      assert.match(
        stderr,
        /^tessera: Invalid configuration:\n {2}- TEMPLATES_DIR: invitation\.html\.fr\.liquid: unknown variable "invitation\.nme" \(line 3\)\n$/,
      );
    });
  }

  test('a TEMPLATES_DIR that does not exist', () => {
    const missing = join(data, 'no-such-directory');
    const { status, stderr } = runCli(['serve'], { ...env, TEMPLATES_DIR: missing });
    assert.equal(status, 78, stderr);
    assert.ok(stderr.includes(`TEMPLATES_DIR: ${missing} does not exist`), stderr);
  });
});

const TEMPLATES = {
  'invitation.subject.liquid': '{{ inviter.name }} invites you to {{ organization.name }} as {{ invitation.role }}\n',
  'invitation.subject.fr.liquid': 'Invitation de {{ organization.name }} ({{ locale }})\n',
  'invitation.text.liquid': [
    'Operator text ({{ locale }}, {{ dir }})',
    '{% if invitation.message %}Message: {{ invitation.message }}{% endif %}',
    'Accept: {{ link }}',
    'Expires in {{ invitation.expiresInDays }} days, on {{ invitation.expiresAtText }}',
    '',
  ].join('\n'),
  'invitation.html.liquid':
    '<html lang="{{ locale }}"><body><h1>Operator HTML</h1><blockquote>{{ invitation.message }}</blockquote><a href="{{ link }}">Accept</a></body></html>\n',
  'invitation.html.fr.liquid':
    '<html lang="{{ locale }}"><body><h1>Modèle de l’opérateur</h1><blockquote>{{ invitation.message }}</blockquote><a href="{{ link }}">Accepter</a></body></html>\n',
};

for (const dialect of DIALECTS) {
  describe(`the operator's templates replace the built-in invitation email [${dialect}]`, () => {
    let t: TestApp;
    let org: TestOrganization;
    let templates: string;

    before(async () => {
      templates = await directoryWith(TEMPLATES);
      t = await startTestApp(dialect, { TEMPLATES_DIR: templates }, { smtp: true });
      org = await createTestOrganization(t, 'Globex Labs');
    });
    after(async () => {
      await t.close();
      await rm(templates, { recursive: true, force: true });
    });

    async function invite(payload: Record<string, unknown> & { email: string }) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.organization.id}/invitations`,
        headers: bearer(org.token),
        payload: { roleName: 'Viewer', ...payload },
      });
      assert.equal(response.statusCode, 201, response.body);
      const [mail] = await t.smtp!.mailTo(payload.email);
      return mail!;
    }

    test('the general templates, with HTML escaped and plain text as written', async () => {
      const message = 'Hi <script>alert(1)</script> & "welcome"';
      const mail = await invite({ email: `en-${dialect}@example.com`, message });

      assert.match(mail.subject, /^.+ invites you to Globex Labs as Viewer$/);
      const link = SmtpSink.link(mail);
      const [heading, quoted, accept, expiry] = mail.text.split('\n');
      assert.equal(heading, 'Operator text (en, ltr)');
      assert.equal(quoted, `Message: ${message}`);
      assert.equal(accept, `Accept: ${link}`);
      assert.match(expiry!, /^Expires in \d days, on .*2\d{3}/);
      assert.equal(
        mail.html.trim(),
        `<html lang="en"><body><h1>Operator HTML</h1><blockquote>Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;welcome&#34;</blockquote><a href="${link}">Accept</a></body></html>`,
      );
    });

    test("the invitation's locale picks its own templates, part by part (no French text: the general one)", async () => {
      const mail = await invite({ email: `fr-${dialect}@example.com`, locale: 'fr' });

      assert.equal(mail.subject, 'Invitation de Globex Labs (fr)');
      assert.match(
        mail.html,
        /^<html lang="fr"><body><h1>Modèle de l’opérateur<\/h1><blockquote><\/blockquote><a href="[^"]+\/invite\/[^"]+">Accepter<\/a>/,
      );
      assert.match(mail.text, /^Operator text \(fr, ltr\)\n\nAccept: \S+\/invite\/\S+\n/);
    });
  });
}
