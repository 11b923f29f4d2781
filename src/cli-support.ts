import { type Config, loadConfig } from './config.js';
import { openMigratedDatabase } from './db/migrate.js';
import type { ServiceDeps } from './deps.js';
import { createServiceDepsOrExit, exitOnConfigError } from './server.js';

/** What every `tessera` command shares: the configuration, the database, and how to answer. */

export function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    exitOnConfigError(error);
  }
}

/** Opens the configured database, migrated, for one command, and closes it afterwards. */
export async function withDatabase<T>(run: (deps: ServiceDeps, appliedMigrations: string[]) => Promise<T>): Promise<T> {
  const cfg = config();
  const { database, applied } = await openMigratedDatabase(cfg.database);
  try {
    return await run(await createServiceDepsOrExit(cfg, database), applied);
  } finally {
    await database.close();
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

export function fail(message: string): never {
  process.stderr.write(`tessera: ${message}\n`);
  process.exit(1);
}
