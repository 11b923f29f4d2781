import { Command, Option } from 'commander';
import { isAppError } from './http/errors.js';
import { passwordPolicyProblem } from './auth/password-policy.js';
import { createClient, revokeClient } from './modules/clients/client.service.js';
import { SUPPORTED_LOCALES } from './i18n/locales.js';
import { canonicalTimeZone } from './modules/organizations/organization.branding.js';
import { createOrganization } from './modules/organizations/organization.service.js';
import { listOutbox, retryDeadMessages } from './modules/outbox/outbox.repository.js';
import type { OutboxStatus } from './modules/outbox/outbox.table.js';
import { config, fail, print, UUID, withDatabase } from './cli-support.js';
import { registerWebhookCommands } from './cli-webhooks.js';
import { runWorker, serve } from './server.js';

const program = new Command()
  .name('tessera')
  .description('Tessera: invitations into organizations, as a self-hosted service.')
  .showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('run the HTTP API and, unless OUTBOX_WORKER=false, the email worker, until SIGINT or SIGTERM')
  .action(async () => serve(config()));

program
  .command('worker')
  .description('deliver the outbox (invitation emails) until SIGINT or SIGTERM; run as many as you like on PostgreSQL')
  .action(async () => runWorker(config()));

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean }) => {
    const applied = await withDatabase(async (_deps, appliedMigrations) => appliedMigrations);
    print(Boolean(options.json), { applied }, applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
  });

const org = program.command('org').description('manage organizations');
org
  .command('create')
  .description('create an organization with its built-in roles, its owner and an API client')
  .requiredOption('--name <name>', 'organization name')
  .requiredOption('--owner-email <email>', "the owner's (MAIN user's) email")
  .option('--owner-password <password>', "the owner's password, if their account is new")
  .option('--slug <slug>', 'URL-friendly identifier (derived from the name by default)')
  .addOption(
    new Option(
      '--locale <locale>',
      "its invitations' language, unless one names another (default: DEFAULT_LOCALE)",
    ).choices(SUPPORTED_LOCALES),
  )
  .option('--time-zone <zone>', 'the IANA time zone its invitations write dates in (default: UTC)')
  .option('--json', 'print JSON')
  .action(
    async (options: {
      name: string;
      ownerEmail: string;
      ownerPassword?: string;
      slug?: string;
      locale?: string;
      timeZone?: string;
      json?: boolean;
    }) => {
      const problem = options.ownerPassword === undefined ? undefined : passwordPolicyProblem(options.ownerPassword);
      if (problem) fail(`--owner-password ${problem}`);
      if (options.timeZone !== undefined && !canonicalTimeZone(options.timeZone))
        fail(`--time-zone must be an IANA time zone name, such as Europe/Paris (got "${options.timeZone}")`);
      const result = await withDatabase(async (deps) => {
        const created = await createOrganization(deps, {
          name: options.name,
          slug: options.slug,
          owner: { email: options.ownerEmail, password: options.ownerPassword },
          defaultLocale: options.locale,
          timeZone: options.timeZone,
        });
        const client = await createClient(deps, { organizationId: created.organization.id });
        return { created, client };
      });
      const { organization, owner, roles } = result.created;
      const output = {
        organization: {
          id: organization.id,
          numericId: organization.numericId,
          name: organization.name,
          slug: organization.slug,
          defaultLocale: organization.defaultLocale,
          timeZone: organization.timeZone,
        },
        owner: owner && { id: owner.id, email: owner.email },
        roles: roles.map((role) => ({ id: role.id, name: role.name })),
        client: { clientId: result.client.clientId, clientSecret: result.client.clientSecret },
      };
      print(
        Boolean(options.json),
        output,
        [
          `organization  ${organization.id} (${organization.slug})`,
          `language      ${organization.defaultLocale ?? `${config().defaultLocale} (DEFAULT_LOCALE)`}, dates in ${organization.timeZone}`,
          `owner         ${owner?.email}`,
          `roles         ${roles.map((role) => `${role.name}=${role.id}`).join(' ')}`,
          `client id     ${result.client.clientId}`,
          `client secret ${result.client.clientSecret}   (shown once)`,
          ...(options.ownerPassword === undefined
            ? [
                `The owner sets a password through the link emailed from ${config().publicUrl}/password-setup (if their account has none yet).`,
              ]
            : []),
        ].join('\n'),
      );
    },
  );

const client = program.command('client').description('manage API clients');
client
  .command('create')
  .description('create an API client for one organization, or a platform client for all of them')
  .addOption(new Option('--org <id>', 'the organization the client belongs to').conflicts('platform'))
  .addOption(new Option('--platform', 'a platform client: may create and manage every organization'))
  .option('--name <name>', 'a name to recognize the client by')
  .option('--json', 'print JSON')
  .action(async (options: { org?: string; platform?: boolean; name?: string; json?: boolean }) => {
    if (!options.org && !options.platform) fail('say --org <id> or --platform');
    if (options.org && !UUID.test(options.org)) fail('--org must be an organization id (a UUID)');
    const created = await withDatabase((deps) =>
      createClient(deps, { organizationId: options.platform ? null : (options.org ?? null), name: options.name }),
    );
    const output = {
      clientId: created.clientId,
      clientSecret: created.clientSecret,
      name: created.name,
      organizationId: created.organizationId,
      platform: created.organizationId === null,
      scopes: created.scopes,
    };
    print(
      Boolean(options.json),
      output,
      `client id     ${created.clientId}\nclient secret ${created.clientSecret}   (shown once)`,
    );
  });

client
  .command('revoke <clientId>')
  .description('revoke an API client: no new tokens, and the ones it holds stop working within seconds')
  .option('--json', 'print JSON')
  .action(async (clientId: string, options: { json?: boolean }) => {
    const revoked = await withDatabase((deps) => revokeClient(deps, clientId));
    if (!revoked) fail(`no client ${JSON.stringify(clientId)}`);
    print(
      Boolean(options.json),
      { clientId, revokedAt: revoked.revokedAt },
      `client ${clientId} revoked at ${revoked.revokedAt}`,
    );
  });

const outbox = program.command('outbox').description('inspect and retry queued email');
outbox
  .command('list')
  .description('list outbox messages, newest first')
  .addOption(new Option('--status <status>', 'only this status').choices(['PENDING', 'SENT', 'DEAD', 'CANCELLED']))
  .option('--limit <n>', 'how many', (value) => Number.parseInt(value, 10), 50)
  .option('--json', 'print JSON')
  .action(async (options: { status?: OutboxStatus; limit: number; json?: boolean }) => {
    if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 10_000)
      fail('--limit must be 1 to 10000');
    const rows = await withDatabase((deps) => listOutbox(deps.db, { status: options.status, limit: options.limit }));
    const messages = rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      status: row.status,
      to: (JSON.parse(row.payload) as { to?: string }).to ?? null,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      runAt: row.run_at,
      lastError: row.last_error,
      createdAt: row.created_at,
      sentAt: row.sent_at,
    }));
    print(
      Boolean(options.json),
      { messages },
      messages.length === 0
        ? 'no messages'
        : messages
            .map(
              (m) =>
                `${m.id}  ${m.status.padEnd(9)} ${String(m.attempts).padStart(2)}/${m.maxAttempts}  ${m.to ?? ''}${m.lastError ? `  (${m.lastError})` : ''}`,
            )
            .join('\n'),
    );
  });
outbox
  .command('retry')
  .description('put dead messages back in the queue (all of them, or those named)')
  .argument('[ids...]', 'outbox message ids (default: every dead message)')
  .option('--json', 'print JSON')
  .action(async (ids: string[], options: { json?: boolean }) => {
    if (ids.some((id) => !UUID.test(id))) fail('message ids are UUIDs');
    const retried = await withDatabase((deps) =>
      retryDeadMessages(deps.db, { ids: ids.length ? ids : undefined, now: deps.clock.now().toISOString() }),
    );
    print(Boolean(options.json), { retried }, `${retried} message(s) queued again`);
  });

registerWebhookCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isAppError(error)) fail(error.detail ?? error.title);
  throw error;
}
