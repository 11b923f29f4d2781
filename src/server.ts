import { pathToFileURL } from 'node:url';
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { loggerOptions } from './http/logging.js';
import { buildApp } from './app.js';
import { createServiceDeps, type ServiceDeps } from './deps.js';
import { createMailer } from './email/mailer.js';
import { OutboxWorker } from './modules/outbox/outbox.worker.js';
import { closeWebhookAgents } from './modules/webhooks/webhook.sender.js';
import { Metrics } from './ops/metrics.js';
import { type Config, loadConfig } from './config.js';
import { ConfigError } from './config.values.js';
import type { DatabaseHandle } from './db/create-db.js';
import { openMigratedDatabase } from './db/migrate.js';
import { demoBanner, seedDemoOrganization } from './demo.js';

/**
 * Starts Tessera: migrations, the first-start demo, the HTTP server; on SIGINT/SIGTERM it stops
 * taking requests, finishes the ones in flight and closes the database.
 */
export async function serve(config: Config): Promise<void> {
  const { database } = await openMigratedDatabase(config.database);
  const deps = await createServiceDepsOrExit(config, database);
  const demo = config.seedDemo ? await seedDemoOrganization(deps) : undefined;

  const metrics = new Metrics();
  const app = await buildApp({ deps, metrics });
  warnAboutStoredSecrets(config, app.log);
  // Redis unreachable at start is not fatal: the limits count in memory until it answers.
  await deps.limits.connect(app.log);
  const worker = config.outbox.inlineWorker
    ? new OutboxWorker(deps, createMailer(config, app.log), app.log.child({ component: 'outbox' }), { metrics })
    : undefined;

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await deps.limits.close();
    await worker?.stop();
    await closeWebhookAgents();
    await worker?.mailer.close();
    await database.close();
  });

  await app.listen({ port: config.port, host: config.host });
  worker?.start();
  if (demo) process.stdout.write(`${demoBanner(demo, config.publicUrl)}\n`);
}

/** A worker process on its own (`tessera worker`): no HTTP; emails, webhooks and the sweeps. */
export async function runWorker(config: Config): Promise<void> {
  const { database } = await openMigratedDatabase(config.database);
  const deps = await createServiceDepsOrExit(config, database);
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions).child({ component: 'outbox' });
  warnAboutStoredSecrets(config, log);
  const worker = new OutboxWorker(deps, createMailer(config, log), log);
  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    await worker.stop();
    await closeWebhookAgents();
    await worker.mailer.close();
    await database.close();
  });
  worker.start();
}

/**
 * Without SECRET_KEY and SIGNING_KEY, the keys live in the database: convenient for one machine,
 * but then whoever reads the database (or a backup) holds them too. Say so where it matters.
 */
function warnAboutStoredSecrets(config: Config, log: { warn: (message: string) => void }): void {
  if (config.database.dialect !== 'postgres') return;
  if (!config.secretKey) {
    log.warn(
      'SECRET_KEY is not set: the key that seals pending invitation links is kept in the database; set SECRET_KEY in production',
    );
  }
  if (!config.signingKey) {
    log.warn(
      'SIGNING_KEY is not set: the access-token signing key is kept in the database; set SIGNING_KEY in production',
    );
  }
}

/**
 * The deps of a process or command. What they check themselves (TEMPLATES_DIR's templates) is
 * configuration too: a problem ends the process as a bad variable does, the database closed first.
 */
export async function createServiceDepsOrExit(config: Config, database: DatabaseHandle): Promise<ServiceDeps> {
  try {
    return await createServiceDeps(config, database);
  } catch (error) {
    if (error instanceof ConfigError) {
      await database.close();
      exitOnConfigError(error);
    }
    throw error;
  }
}

export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`tessera: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    exitOnConfigError(error);
  }
  await serve(config);
}
