import { isIP } from 'node:net';

/** How single settings are read and checked, and how a bad one is reported (config.ts reads them all). */

export type DatabaseConfig =
  | { dialect: 'sqlite'; url: string; filename: string }
  | {
      dialect: 'postgres';
      url: string;
      poolSize: number;
      /** The longest a statement, or an idle gap inside a transaction, may take; 0: no limit. */
      queryTimeoutMs: number;
    };

/**
 * Fastify's `trustProxy`: none, all, or the addresses and ranges of trusted proxies. (Fastify 5
 * treats a hop count as "trust nothing", since it cannot check the peer: it is not offered.)
 */
export type TrustProxy = boolean | readonly string[];

/**
 * How long a PostgreSQL statement may run (DATABASE_QUERY_TIMEOUT_MS). The slowest request's
 * statements (a bulk of 1,000) take a few hundred milliseconds; one that runs for seconds is
 * stuck (a lock held elsewhere, a stalled server) and holds a pooled connection while it waits.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SECRET_VARIABLES = new Set(['SMTP_URL', 'SIGNING_KEY', 'DATABASE_URL', 'SECRET_KEY', 'REDIS_URL']);

export function describe(variable: string, value: unknown): string {
  // Never echo a value that may hold a password or a key.
  return SECRET_VARIABLES.has(variable) ? '' : ` (got ${JSON.stringify(value)})`;
}

export function explain(schema: Record<string, unknown>): string {
  if (schema.type === 'integer') {
    return `must be an integer from ${schema.minimum} to ${schema.maximum}`;
  }
  if (schema.type === 'boolean') return 'must be true or false';
  if (schema.minLength === 32) return 'must be at least 32 characters';
  if (Array.isArray(schema.anyOf)) {
    return `must be one of ${schema.anyOf.map((option: { const: string }) => option.const).join(', ')}`;
  }
  if (schema.pattern === '^https?://[^\\s?#]+$') return 'must be an absolute http(s) URL without query';
  if (typeof schema.pattern === 'string' && schema.pattern.startsWith('^(sqlite')) {
    return 'must be sqlite:<path> or postgres://user@host:port/database';
  }
  if (schema.pattern === '^smtps?://.+') return 'must be an smtp:// or smtps:// URL';
  if (typeof schema.pattern === 'string' && schema.pattern.startsWith('^rediss?'))
    return 'must be a redis:// or rediss:// URL';
  if (typeof schema.pattern === 'string' && schema.pattern.startsWith('^[A-Za-z0-9:._-]')) {
    return 'must be 1 to 100 letters, digits or : . _ -';
  }
  return 'must not be empty';
}

export function parseDatabaseUrl(
  url: string,
  poolSize = 10,
  queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    return { dialect: 'sqlite', url, filename: url.slice('sqlite:'.length) };
  }
  try {
    new URL(url);
  } catch {
    throw new ConfigError(['DATABASE_URL must be sqlite:<path> or postgres://user@host:port/database']);
  }
  return { dialect: 'postgres', url, poolSize, queryTimeoutMs };
}

/** Comma-separated origins; the public URL's own origin is always allowed. */
export function parseOrigins(value: string | undefined, publicUrl: string): string[] {
  const origins = new Set([new URL(publicUrl).origin]);
  for (const entry of (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    let origin: string;
    try {
      const url = new URL(entry);
      if (!/^https?:$/.test(url.protocol)) throw new Error('not http');
      origin = url.origin;
    } catch {
      throw new ConfigError([
        `ALLOWED_REDIRECT_ORIGINS must be comma-separated http(s) origins (got ${JSON.stringify(entry)})`,
      ]);
    }
    origins.add(origin);
  }
  return [...origins];
}

export function assertPrivateJwk(value: string): void {
  let jwk: unknown;
  try {
    jwk = JSON.parse(value);
  } catch {
    throw new ConfigError(['SIGNING_KEY must be a private JWK in JSON']);
  }
  const key = jwk as Record<string, unknown>;
  if (key.kty !== 'EC' || key.crv !== 'P-256' || typeof key.d !== 'string') {
    throw new ConfigError(['SIGNING_KEY must be a private EC P-256 JWK (ES256) with "d"']);
  }
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `false` (the default: the socket's address is the client), `true` (trust every proxy: only when
 * nothing but the proxy can reach Tessera), or comma-separated proxy addresses and CIDR ranges
 * (and proxy-addr's names loopback, linklocal, uniquelocal).
 */
export function parseTrustProxy(value: string): TrustProxy {
  const normalized = value.trim().toLowerCase();
  if (normalized === 'false') return false;
  if (normalized === 'true') return true;
  const entries = normalized
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length > 0 && entries.every((entry) => PROXY_NAMES.has(entry) || isAddressOrRange(entry))) {
    return Object.freeze(entries);
  }
  throw new ConfigError([
    `TRUST_PROXY must be true, false or comma-separated proxy addresses and CIDR ranges (got ${JSON.stringify(value)})`,
  ]);
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export function assertRedisUrl(value: string): void {
  try {
    const url = new URL(value);
    if (url.hostname !== '') return;
  } catch {
    // refused below
  }
  throw new ConfigError(['REDIS_URL must be a redis:// or rediss:// URL with a host']);
}
