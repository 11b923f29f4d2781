import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { DialectName } from './db/dialect.js';

/** What services need from the outside world, passed in rather than imported (tests swap them). */
export interface ServiceDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  config: Config;
}
