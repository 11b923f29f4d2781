import { pathToFileURL } from 'node:url';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDb } from './db/create-db.js';
import { migrateToLatest } from './db/migrate.js';
import { demoBanner, seedDemoOrganization } from './demo.js';

/**
 * Starts Tessera: migrations, the first-start demo, the HTTP server; on SIGINT/SIGTERM it stops
 * taking requests, finishes the ones in flight and closes the database.
 */
export async function serve(config: Config): Promise<void> {
  const database = createDb(config.database);
  await migrateToLatest(database.db);
  const deps = { db: database.db, dialect: database.dialect, clock: systemClock, config };
  const demo = config.seedDemo ? await seedDemoOrganization(deps) : undefined;

  const app = await buildApp({ config, database });

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
  });

  await app.listen({ port: config.port, host: config.host });
  if (demo) process.stdout.write(`${demoBanner(demo, config.publicUrl)}\n`);
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
