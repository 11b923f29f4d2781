import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEmptyDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.js';
import { freePort } from '../helpers/test-app.js';
import { runCli } from '../helpers/tessera-process.js';

const ROOT = new URL('../..', import.meta.url).pathname;

test('the installed `tessera` command (bin/tessera.cjs, which `npm start` runs) sets its V8 flags and malloc threshold, sizes the thread pool, then runs the CLI', () => {
  // Run as an executable, as npm's bin link and `npm start` run it. The probe (loaded through
  // NODE_OPTIONS, before the launcher) prints what the CLI sees once the launcher has run.
  const probe =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source for the child process, template and all
    'process.on("exit", () => process.stderr.write(`probe ${JSON.stringify([process.env.UV_THREADPOOL_SIZE, process.execArgv, process.env.MALLOC_MMAP_THRESHOLD_])}\\n`))';
  const run = (threads: string) =>
    spawnSync(join(ROOT, 'bin/tessera.cjs'), ['--help'], {
      cwd: ROOT,
      env: {
        ...process.env,
        UV_THREADPOOL_SIZE: threads,
        NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(probe)}`,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const probed = (stderr: string): [string, string[], string] =>
    JSON.parse(/^probe (.*)$/m.exec(stderr)?.[1] ?? 'null');
  const result = run('');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Usage: tessera/);
  const [threads, flags, mmapThreshold] = probed(result.stderr);
  assert.equal(threads, String(Math.max(2, availableParallelism())));
  for (const flag of ['--max-semi-space-size=8', '--heap-growing-percent=30']) {
    assert.ok(flags.includes(flag), `V8 flags from the shebang: ${flags.join(' ')}`);
  }
  assert.equal(
    mmapThreshold,
    String(2 ** 20),
    'glibc gives every allocation of 1 MiB or more back to the system when freed',
  );
  assert.equal(probed(run('7').stderr)[0], '7', 'an operator-set size is kept');
});

interface RunningServer {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  base: string;
}

async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The banner is written right after listen; give it a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { child, stdout: () => stdout, base };
}

async function stop(server: RunningServer): Promise<number | null> {
  server.child.kill('SIGTERM');
  const [code] = await once(server.child, 'exit');
  return code as number | null;
}

/** Response bodies are checked field by field, so any is enough here. */
async function json(response: Response): Promise<any> {
  return response.json();
}

function bannerValue(banner: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(banner);
  assert.ok(match, `the banner shows the ${label}:\n${banner}`);
  return match[1]!;
}

for (const dialect of DIALECTS) {
  describe(`tessera CLI [${dialect}]`, () => {
    let database: TestDatabase;

    before(async () => {
      database = await createEmptyDatabase(dialect);
    });
    after(() => database.drop());

    test('--help lists the commands', () => {
      const { status, stdout } = runCli(['--help'], {});
      assert.equal(status, 0);
      for (const command of ['serve', 'worker', 'migrate', 'org', 'client', 'outbox', 'webhook']) {
        assert.match(stdout, new RegExp(`\\b${command}\\b`));
      }
    });

    test('migrate, org create and client create print what scripts read', async () => {
      const env = { DATABASE_URL: database.url };
      const migrated = runCli(['migrate', '--json'], env);
      assert.equal(migrated.status, 0, migrated.stderr);
      assert.ok(JSON.parse(migrated.stdout).applied.length >= 1);
      assert.deepEqual(JSON.parse(runCli(['migrate', '--json'], env).stdout), { applied: [] });

      const created = runCli(
        [
          'org',
          'create',
          '--name',
          'Acme',
          '--owner-email',
          'Boss@Acme.example',
          '--owner-password',
          'Boss-Passw0rd!',
          '--json',
        ],
        env,
      );
      assert.equal(created.status, 0, created.stderr);
      const result = JSON.parse(created.stdout);
      assert.deepEqual(Object.keys(result).sort(), ['client', 'organization', 'owner', 'roles']);
      assert.deepEqual(Object.keys(result.organization).sort(), [
        'defaultLocale',
        'id',
        'name',
        'numericId',
        'slug',
        'timeZone',
      ]);
      assert.equal(result.organization.defaultLocale, null, 'without --locale: DEFAULT_LOCALE decides');
      assert.equal(result.organization.timeZone, 'UTC');
      assert.equal(result.organization.name, 'Acme');
      assert.equal(result.organization.slug, 'acme');
      assert.ok(Number.isInteger(result.organization.numericId));
      assert.equal(result.owner.email, 'Boss@Acme.example');
      assert.deepEqual(result.roles.map((role: { name: string }) => role.name).sort(), [
        'Administrator',
        'Member',
        'Owner',
        'Viewer',
      ]);
      assert.match(result.client.clientId, /^cli_/);
      assert.match(result.client.clientSecret, /^sec_/);

      const client = runCli(['client', 'create', '--org', result.organization.id, '--json'], env);
      assert.equal(client.status, 0, client.stderr);
      assert.equal(JSON.parse(client.stdout).organizationId, result.organization.id);
      const platform = runCli(['client', 'create', '--platform', '--json'], env);
      assert.equal(platform.status, 0, platform.stderr);
      assert.equal(JSON.parse(platform.stdout).platform, true);

      const neither = runCli(['client', 'create', '--json'], env);
      assert.notEqual(neither.status, 0);
      assert.match(neither.stderr, /--org <id> or --platform/);
      const weak = runCli(
        ['org', 'create', '--name', 'W', '--owner-email', 'w@example.com', '--owner-password', 'weak'],
        env,
      );
      assert.notEqual(weak.status, 0);
      assert.match(weak.stderr, /--owner-password must be at least 8 characters/);

      // An organization in its own language and time zone; an unsupported one is refused, naming the choices.
      const brazilian = runCli(
        [
          'org',
          'create',
          '--name',
          'Padaria',
          '--owner-email',
          'dona@padaria.example',
          '--locale',
          'pt-BR',
          '--time-zone',
          'America/Sao_Paulo',
          '--json',
        ],
        env,
      );
      assert.equal(brazilian.status, 0, brazilian.stderr);
      assert.equal(JSON.parse(brazilian.stdout).organization.defaultLocale, 'pt-BR');
      assert.equal(JSON.parse(brazilian.stdout).organization.timeZone, 'America/Sao_Paulo');
      const klingon = runCli(
        ['org', 'create', '--name', 'K', '--owner-email', 'k@example.com', '--locale', 'tlh'],
        env,
      );
      assert.notEqual(klingon.status, 0);
      assert.match(klingon.stderr, /Allowed choices are en, es, pt-BR, fr, de, it, nl, ja, zh-CN, ar/);
      const mars = runCli(
        ['org', 'create', '--name', 'M', '--owner-email', 'm@example.com', '--time-zone', 'Mars/Olympus'],
        env,
      );
      assert.notEqual(mars.status, 0);
      assert.match(mars.stderr, /--time-zone must be an IANA time zone name/);

      // The printed credentials work against a server on the same database.
      const server = await startServer({ DATABASE_URL: database.url, SEED_DEMO: 'false' });
      try {
        const token = await fetch(`${server.base}/oauth/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${result.client.clientId}:${result.client.clientSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        });
        assert.equal(token.status, 200);
        const organization = await fetch(`${server.base}/v1/organizations/${result.organization.id}`, {
          headers: { authorization: `Bearer ${(await json(token)).access_token}` },
        });
        assert.equal(organization.status, 200);
        assert.equal((await json(organization)).owner.email, 'Boss@Acme.example');
      } finally {
        assert.equal(await stop(server), 0);
      }
    });

    test('webhook create, list, deliveries and retry, for an organization and for the platform', () => {
      const env = { DATABASE_URL: database.url };
      const org = JSON.parse(
        runCli(['org', 'create', '--name', 'Hooks', '--owner-email', 'hooks@example.com', '--json'], env).stdout,
      ).organization.id;
      const created = runCli(
        [
          'webhook',
          'create',
          '--org',
          org,
          '--url',
          'https://93.184.215.14/hook',
          '--events',
          'invitation.created',
          '--json',
        ],
        env,
      );
      assert.equal(created.status, 0, created.stderr);
      const endpoint = JSON.parse(created.stdout);
      assert.match(endpoint.secret, /^whsec_/);
      assert.deepEqual(endpoint.eventTypes, ['invitation.created']);
      const listed = JSON.parse(runCli(['webhook', 'list', '--org', org, '--json'], env).stdout);
      assert.deepEqual(
        listed.endpoints.map((e: { id: string }) => e.id),
        [endpoint.id],
      );
      assert.ok(!JSON.stringify(listed).includes(endpoint.secret), 'the secret is printed once');
      const platform = JSON.parse(runCli(['webhook', 'list', '--json'], env).stdout);
      assert.ok(!platform.endpoints.some((e: { id: string }) => e.id === endpoint.id), 'not a platform endpoint');
      const deliveries = runCli(['webhook', 'deliveries', endpoint.id, '--org', org, '--json'], env);
      assert.equal(deliveries.status, 0, deliveries.stderr);
      assert.deepEqual(JSON.parse(deliveries.stdout), { deliveries: [] });
      const missing = runCli(
        ['webhook', 'retry', endpoint.id, '00000000-0000-4000-8000-000000000000', '--org', org],
        env,
      );
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /delivery not found/i);
      const refused = runCli(['webhook', 'create', '--url', 'https://127.0.0.1/hook'], env);
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /public/);
    });
  });

  describe(`first start [${dialect}]`, () => {
    let database: TestDatabase;

    before(async () => {
      database = await createEmptyDatabase(dialect);
    });
    after(() => database.drop());

    test('an empty database gets a demo organization whose printed curl works; a restart keeps keys and adds nothing', async () => {
      // Issuer and audience come from PUBLIC_URL; keep it across the restart (the port changes).
      const env = { DATABASE_URL: database.url, PUBLIC_URL: 'http://localhost:3000' };
      const first = await startServer(env);
      let accessToken: string;
      try {
        const banner = first.stdout();
        const clientId = bannerValue(banner, 'client id');
        const clientSecret = bannerValue(banner, 'client secret');
        const organizationId = bannerValue(banner, 'organization');
        assert.match(banner, /owner sign-in\s+owner@demo\.example \/ \S+/);
        const curl = /curl -s -X POST (\S+) \\\n\s+-u '([^']+)' \\\n\s+-d grant_type=client_credentials/.exec(banner);
        assert.ok(curl, banner);
        assert.equal(curl[2], `${clientId}:${clientSecret}`);

        assert.equal(curl[1], 'http://localhost:3000/oauth/token');
        const token = await fetch(`${first.base}/oauth/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(curl[2]!).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        });
        assert.equal(token.status, 200);
        accessToken = (await json(token)).access_token;
        const organization = await fetch(`${first.base}/v1/organizations/${organizationId}`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        assert.equal((await json(organization)).slug, 'demo');
      } finally {
        assert.equal(await stop(first), 0, 'SIGTERM shuts down cleanly');
      }

      const second = await startServer(env);
      try {
        assert.doesNotMatch(second.stdout(), /demo organization was created/);
        // The signing key was stored on first start: a token from the first run still verifies.
        const organizations = await fetch(`${second.base}/.well-known/jwks.json`);
        assert.equal((await json(organizations)).keys.length, 1);
        const reused = await fetch(`${second.base}/v1/organizations/${bannerValue(first.stdout(), 'organization')}`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        assert.equal(reused.status, 200);
      } finally {
        await stop(second);
      }
    });

    test('a bad configuration value stops the start with a message naming the variable', () => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: database.url, PORT: 'eighty', LOG_LEVEL: 'chatty' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(result.status, 78);
      assert.match(result.stderr, /PORT must be an integer from 0 to 65535/);
      assert.match(result.stderr, /LOG_LEVEL must be one of/);
    });
  });
}
