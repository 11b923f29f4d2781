import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/config.values.js';
import {
  type InvitationTemplateVariables,
  OperatorTemplates,
  SAMPLE_TEMPLATE_VARIABLES,
} from '../../src/email/operator-templates.js';

const directories: string[] = [];

after(async () => {
  await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh TEMPLATES_DIR holding these files (name: content). */
async function templatesDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-templates-'));
  directories.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** The ConfigError `load` throws for a TEMPLATES_DIR holding these files (it must throw one). */
async function startError(files: Record<string, string>): Promise<ConfigError> {
  const dir = await templatesDir(files);
  const error = await OperatorTemplates.load(dir).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  return error;
}

async function problemsOf(files: Record<string, string>): Promise<string[]> {
  return (await startError(files)).problems;
}

const variables = (changes: Partial<InvitationTemplateVariables['invitation']> = {}): InvitationTemplateVariables => ({
  ...SAMPLE_TEMPLATE_VARIABLES,
  invitation: { ...SAMPLE_TEMPLATE_VARIABLES.invitation, ...changes },
});

describe('operator templates', () => {
  test('without TEMPLATES_DIR there are none: every part is the built-in one', async () => {
    const templates = await OperatorTemplates.load(undefined);
    assert.equal(templates, OperatorTemplates.none);
    assert.equal(templates.has('html', 'en'), false);
    assert.equal(templates.render('subject', 'en', SAMPLE_TEMPLATE_VARIABLES), undefined);
  });

  test('the sample message holds markup characters, so that starting exercises escaping', () => {
    assert.match(SAMPLE_TEMPLATE_VARIABLES.invitation.message ?? '', /<b>&"/);
  });

  test('HTML output is escaped unless `raw` says otherwise; subject and text are not escaped', async () => {
    const templates = await OperatorTemplates.load(
      await templatesDir({
        'invitation.html.liquid': '<p>{{ invitation.message }}</p><div>{{ invitation.message | raw }}</div>',
        'invitation.text.liquid': '{{ inviter.name }} says: {{ invitation.message }}\n{{ link }}\n',
        'invitation.subject.liquid': '{{ inviter.name }} & {{ organization.name }}: {{ invitation.message }}\n',
      }),
    );
    const message = '<script>alert("x")</script> & more';
    const html = templates.render('html', 'en', variables({ message }));
    assert.equal(
      html,
      '<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more</p><div><script>alert("x")</script> & more</div>',
    );
    assert.equal(
      templates.render('text', 'en', variables({ message })),
      `Grace Hopper says: ${message}\n${SAMPLE_TEMPLATE_VARIABLES.link}\n`,
    );
    // A subject is one line, without the file's final line break.
    assert.equal(templates.render('subject', 'en', variables({ message })), `Grace Hopper & Acme Robotics: ${message}`);
  });

  test('the template for the locale wins over the general one, part by part; a missing part is undefined', async () => {
    const templates = await OperatorTemplates.load(
      await templatesDir({
        'invitation.subject.liquid': 'Join {{ organization.name }}',
        'invitation.subject.fr.liquid': 'Rejoignez {{ organization.name }}',
        'invitation.subject.pt-BR.liquid': 'Junte-se a {{ organization.name }}',
        'invitation.html.ar.liquid': '<html lang="{{ locale }}" dir="{{ dir }}"></html>',
        'README.md': 'Not a template: ignored, as are {{ these }} braces.',
        '.gitkeep': '',
        'notes.txt': '{% broken',
      }),
    );
    assert.equal(templates.render('subject', 'fr', SAMPLE_TEMPLATE_VARIABLES), 'Rejoignez Acme Robotics');
    assert.equal(templates.render('subject', 'pt-BR', SAMPLE_TEMPLATE_VARIABLES), 'Junte-se a Acme Robotics');
    assert.equal(templates.render('subject', 'de', SAMPLE_TEMPLATE_VARIABLES), 'Join Acme Robotics');
    assert.equal(
      templates.render('html', 'ar', { ...SAMPLE_TEMPLATE_VARIABLES, locale: 'ar', dir: 'rtl' }),
      '<html lang="ar" dir="rtl"></html>',
    );
    assert.equal(templates.has('html', 'ar'), true);
    assert.equal(templates.has('html', 'fr'), false);
    assert.equal(templates.render('html', 'fr', SAMPLE_TEMPLATE_VARIABLES), undefined);
    assert.equal(templates.has('text', 'ar'), false);
    assert.equal(templates.render('text', 'ar', SAMPLE_TEMPLATE_VARIABLES), undefined);
  });

  test('optional values are null, and a template may test them', async () => {
    const templates = await OperatorTemplates.load(
      await templatesDir({
        'invitation.text.liquid':
          '{% if invitation.recipientName %}Hi {{ invitation.recipientName }}{% else %}Hello{% endif %}, {{ invitation.expiresInDays }} days',
      }),
    );
    assert.equal(templates.render('text', 'en', variables()), 'Hi Ada Lovelace, 7 days');
    assert.equal(templates.render('text', 'en', variables({ recipientName: null })), 'Hello, 7 days');
  });

  test("a template's own names (assign, capture, loop variables) and a text's size are not unknown variables", async () => {
    const templates = await OperatorTemplates.load(
      await templatesDir({
        'invitation.text.liquid': [
          '{% assign who = inviter.name | upcase %}{% capture days %}{{ invitation.expiresInDays }}d{% endcapture %}',
          '{% for word in (1..2) %}{{ forloop.index }}{{ word }}{% endfor %} {{ who }} {{ days }} {{ invitation.role.size }}',
        ].join(''),
      }),
    );
    assert.equal(templates.render('text', 'en', SAMPLE_TEMPLATE_VARIABLES), '1122 GRACE HOPPER 7d 13');
  });

  test("docs/templates.md's examples load, and render what they say", async () => {
    const docs = await readFile(new URL('../../docs/templates.md', import.meta.url), 'utf8');
    const example = (name: string) => {
      const match = new RegExp(`\`${name.replace(/\./g, '\\.')}\`:\n\n\`\`\`liquid\n([^]*?)\`\`\`\n`).exec(docs);
      assert.ok(match, `docs/templates.md has an example ${name}`);
      return match[1]!;
    };
    const templates = await OperatorTemplates.load(
      await templatesDir({
        'invitation.subject.liquid': example('invitation.subject.liquid'),
        'invitation.html.liquid': example('invitation.html.liquid'),
      }),
    );
    assert.equal(
      templates.render('subject', 'en', SAMPLE_TEMPLATE_VARIABLES),
      'Grace Hopper invited you to Acme Robotics',
    );
    const html = templates.render('html', 'en', variables({ message: 'Line one <i>\nLine two' }))!;
    assert.match(html, /<html lang="en" dir="ltr">/);
    assert.match(html, /Line one &lt;i&gt;<br \/>\nLine two/);
    assert.match(html, /<a href="https:\/\/tessera\.example\.com\/invite\/[^"]+" style="[^"]*background:#1d4ed8">/);
  });

  describe('a problem stops the start with a message naming the file', () => {
    test('a template that does not parse', async () => {
      const [problem, ...others] = await problemsOf({
        'invitation.html.liquid': '<p>\n{% if invitation.message %}\n{{ invitation.message }}\n</p>',
      });
      assert.deepEqual(others, []);
      assert.match(
        problem!,
        /^TEMPLATES_DIR: invitation\.html\.liquid: tag \{% if invitation\.message %\} not closed \(line 2\)$/,
      );
    });

    test('an unknown variable, with its line', async () => {
      assert.deepEqual(
        await problemsOf({
          'invitation.html.fr.liquid': '<p>\n{{ organization.name }}\n{{ invitation.nme }}</p>',
        }),
        ['TEMPLATES_DIR: invitation.html.fr.liquid: unknown variable "invitation.nme" (line 3)'],
      );
    });

    test('an unknown variable in a branch the sample data does not take', async () => {
      assert.deepEqual(
        await problemsOf({
          'invitation.text.liquid': '{% unless invitation.message %}\n{{ invitation.mesage }}\n{% endunless %}',
        }),
        ['TEMPLATES_DIR: invitation.text.liquid: unknown variable "invitation.mesage" (line 2)'],
      );
    });

    test('an unknown filter', async () => {
      assert.deepEqual(await problemsOf({ 'invitation.subject.liquid': '\n{{ organization.name | shout }}' }), [
        'TEMPLATES_DIR: invitation.subject.liquid: unknown filter "shout" (line 2)',
      ]);
    });

    test('a template that fails to render with the sample data', async () => {
      assert.deepEqual(
        await problemsOf({
          // A computed name escapes the check before rendering; rendering refuses it.
          'invitation.text.liquid': '{% assign field = "nmae" %}\n{{ inviter[field] }}',
          'invitation.subject.liquid': '{% for i in (1..1000000000) %}{% endfor %}',
          'invitation.html.liquid': '{% for i in (1..5000000) %}{% endfor %}',
        }),
        [
          'TEMPLATES_DIR: invitation.html.liquid: template render limit exceeded (line 1)',
          'TEMPLATES_DIR: invitation.subject.liquid: memory alloc limit exceeded (line 1)',
          'TEMPLATES_DIR: invitation.text.liquid: unknown variable "inviter.nmae" (line 2)',
        ],
      );
    });

    test('a template that reads another file: include, render and layout do not exist', async () => {
      const problems = await problemsOf({
        'invitation.html.liquid': "{% include 'footer' %}",
        'invitation.html.de.liquid': "{% render '/etc/passwd' %}",
        'invitation.html.es.liquid': "{% layout 'base' %}",
      });
      assert.deepEqual(problems, [
        'TEMPLATES_DIR: invitation.html.de.liquid: tag "render" not found (line 1)',
        'TEMPLATES_DIR: invitation.html.es.liquid: tag "layout" not found (line 1)',
        'TEMPLATES_DIR: invitation.html.liquid: tag "include" not found (line 1)',
      ]);
    });

    test('a file named like a template that is not one: an unknown part, or an unsupported locale', async () => {
      const problems = await problemsOf({
        'invitation.body.liquid': 'Hello',
        'invitation.html.xx.liquid': '<p>Hello</p>',
        'invitation.subject.FR.liquid': 'Bonjour',
        'welcome.liquid': 'Hello',
        'invitation.html.liquid': '<p>fine</p>',
      });
      assert.equal(problems.length, 4, problems.join('\n'));
      assert.match(problems[0]!, /^TEMPLATES_DIR: invitation\.body\.liquid: is not a template Tessera knows/);
      assert.match(
        problems[1]!,
        /^TEMPLATES_DIR: invitation\.html\.xx\.liquid: unknown locale "xx": must be one of en, es, pt-BR/,
      );
      assert.match(problems[2]!, /^TEMPLATES_DIR: invitation\.subject\.FR\.liquid: unknown locale "FR"/);
      assert.match(problems[3]!, /^TEMPLATES_DIR: welcome\.liquid: is not a template Tessera knows/);
    });

    test('a directory named like a template', async () => {
      const dir = await templatesDir({});
      await mkdir(join(dir, 'invitation.html.liquid'));
      await assert.rejects(OperatorTemplates.load(dir), {
        name: 'ConfigError',
        problems: ['TEMPLATES_DIR: invitation.html.liquid: is not a file'],
      });
    });

    test('every bad file is named, in one message', async () => {
      const error = await startError({
        'invitation.subject.liquid': '{{ nope }}',
        'invitation.text.liquid': '{{ nope2 }}',
      });
      assert.match(error.message, /invitation\.subject\.liquid: unknown variable "nope"/);
      assert.match(error.message, /invitation\.text\.liquid: unknown variable "nope2"/);
    });

    test('a TEMPLATES_DIR that does not exist, or is not a directory', async () => {
      const dir = await templatesDir({ 'a-file.txt': '' });
      const missing = join(dir, 'missing');
      await assert.rejects(OperatorTemplates.load(missing), {
        name: 'ConfigError',
        problems: [`TEMPLATES_DIR: ${missing} does not exist`],
      });
      const file = join(dir, 'a-file.txt');
      await assert.rejects(OperatorTemplates.load(file), {
        name: 'ConfigError',
        problems: [`TEMPLATES_DIR: ${file} is not a directory`],
      });
    });
  });
});
