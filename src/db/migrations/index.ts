import type { Migration } from 'kysely';
import * as initial from './2026-11-22-0001-initial.js';

/** Migrations are frozen once landed: change the schema with a new file, never by editing one. */
export const migrations: Record<string, Migration> = {
  '2026-11-22-0001-initial': initial,
};
