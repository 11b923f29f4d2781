import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  assertPrivateJwk,
  assertRedisUrl,
  ConfigError,
  DEFAULT_QUERY_TIMEOUT_MS,
  describe,
  explain,
  parseDatabaseUrl,
  parseOrigins,
  parseTrustProxy,
  type DatabaseConfig,
  type TrustProxy,
} from './config.values.js';
import { type Locale, SUPPORTED_LOCALES } from './i18n/locales.js';

/** The largest value any limit takes (0 turns a limit off). */
const LIMIT_MAX = 1_000_000_000;

/**
 * How long a client has to send a whole request, headers and body (REQUEST_TIMEOUT_MS). The largest
 * body (1 MiB) takes about 8 s at 1 Mbit/s; a client that trickles its request holds a connection
 * for as long as it is let, so a limit is always on: 0 (off) is not offered.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Every setting Tessera reads from its environment. Each one is validated once, at start; a bad
 * value stops the process with a message that names the variable, rather than failing later.
 */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: DEFAULT_REQUEST_TIMEOUT_MS }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s?#]+$' })),
  DATABASE_URL: Type.String({
    pattern: '^(sqlite:.+|postgres(ql)?://.+)$',
    default: 'sqlite:./data/tessera.db',
  }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DATABASE_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: DEFAULT_QUERY_TIMEOUT_MS }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://.+' })),
  TEMPLATES_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MAIL_FROM: Type.String({ minLength: 3, default: 'Tessera <no-reply@localhost>' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  DEFAULT_LOCALE: Type.Union(
    SUPPORTED_LOCALES.map((locale) => Type.Literal(locale)),
    { default: 'en' },
  ),
  INVITATION_EXPIRY_DAYS: Type.Integer({ minimum: 1, maximum: 30, default: 7 }),
  EVENT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 }),
  SESSION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 * 7 }),
  TOKEN_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  TOKEN_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  SIGNING_KEY: Type.Optional(Type.String({ minLength: 1 })),
  SECRET_KEY: Type.Optional(Type.String({ minLength: 32 })),
  SEED_DEMO: Type.Boolean({ default: true }),
  ALLOWED_REDIRECT_ORIGINS: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  OUTBOX_WORKER: Type.Boolean({ default: true }),
  OUTBOX_POLL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000 }),
  OUTBOX_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  OUTBOX_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  OUTBOX_LEASE_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
  OUTBOX_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 8 }),
  OUTBOX_RETRY_BASE_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 5000 }),
  OUTBOX_RETRY_MAX_MS: Type.Integer({ minimum: 10, maximum: 86_400_000, default: 3_600_000 }),
  TRUST_PROXY: Type.String({ minLength: 1, default: 'false' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://[^\\s]+$' })),
  REDIS_KEY_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:._-]{1,100}$', default: 'tessera' }),
  // Limits: 0 means no limit.
  RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: Type.Integer({ minimum: 0, maximum: LIMIT_MAX, default: 1000 }),
  RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: Type.Integer({ minimum: 0, maximum: LIMIT_MAX, default: 500 }),
  RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY: Type.Integer({ minimum: 0, maximum: LIMIT_MAX, default: 5 }),
  RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: Type.Integer({ minimum: 0, maximum: LIMIT_MAX, default: 60 }),
  RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_MINUTE: Type.Integer({ minimum: 0, maximum: LIMIT_MAX, default: 20 }),
  RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE: Type.Integer({ minimum: 0, maximum: LIMIT_MAX, default: 30 }),
  PENDING_INVITATIONS_MAX_PER_ORG: Type.Integer({ minimum: 0, maximum: LIMIT_MAX, default: 10_000 }),
  WEBHOOK_ALLOW_HTTP: Type.Boolean({ default: false }),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Type.Boolean({ default: false }),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  /** The longest a client may take to send a whole request, headers and body; then 408 and closed. */
  requestTimeoutMs: number;
  publicUrl: string;
  database: DatabaseConfig;
  dataDir: string;
  smtpUrl: string | undefined;
  /** A directory of Liquid templates replacing the built-in invitation email (docs/templates.md). */
  templatesDir: string | undefined;
  mailFrom: string;
  logLevel: string;
  /** The locale of an invitation whose request and organization name none. */
  defaultLocale: Locale;
  invitationExpiryDays: number;
  /** How long events are kept for the events API (webhook deliveries carry their own copy). */
  eventRetentionDays: number;
  accessTokenTtlSeconds: number;
  sessionTtlHours: number;
  tokenIssuer: string;
  tokenAudience: string;
  /** A private JWK (JSON) to sign access tokens with, instead of the key Tessera generates. */
  signingKey: string | undefined;
  /** Root secret for sealing outbox tokens and signing cursors; generated and stored when absent. */
  secretKey: string | undefined;
  seedDemo: boolean;
  /** Origins an invitation's `redirectUrl` may point to. */
  allowedRedirectOrigins: readonly string[];
  smtpPoolSize: number;
  outbox: OutboxConfig;
  /** Which proxies' `X-Forwarded-For` decides the client IP (Fastify's `trustProxy`); false: none. */
  trustProxy: TrustProxy;
  /** Shared counters for the limits; without it, each process counts in memory. */
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  limits: LimitsConfig;
  /** Relaxations of the webhook URL rules, for development and tests: `http:`, and non-public addresses. */
  webhooks: { allowHttp: boolean; allowPrivateNetworks: boolean };
}

/** Every limit; 0 means no limit. */
export interface LimitsConfig {
  orgInvitationsPerHour: number;
  inviterInvitationsPerHour: number;
  recipientEmailsPerDay: number;
  tokenAttemptsPerMinute: number;
  signInAttemptsPerMinute: number;
  acceptAttemptsPerMinute: number;
  pendingInvitationsPerOrg: number;
}

export interface OutboxConfig {
  /** Run a worker inside `serve` (always wanted on SQLite; optional on PostgreSQL). */
  inlineWorker: boolean;
  pollMs: number;
  batchSize: number;
  concurrency: number;
  leaseSeconds: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(EnvSchema.properties)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }
  const withDefaults = Value.Default(EnvSchema, raw);
  const converted = Value.Convert(EnvSchema, withDefaults) as Record<string, unknown>;

  const problems: string[] = [];
  for (const error of Value.Errors(EnvSchema, converted)) {
    const variable = error.path.replace(/^\//, '').split('/')[0] ?? '';
    if (problems.some((problem) => problem.startsWith(`${variable} `))) continue;
    problems.push(`${variable} ${explain(error.schema)}${describe(variable, raw[variable])}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const parsed = converted as Env;
  const database = parseDatabaseUrl(parsed.DATABASE_URL, parsed.DATABASE_POOL_SIZE, parsed.DATABASE_QUERY_TIMEOUT_MS);
  const publicUrl = (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError([`PUBLIC_URL must be an absolute http(s) URL${describe('PUBLIC_URL', publicUrl)}`]);
  }
  if (parsed.SIGNING_KEY !== undefined) assertPrivateJwk(parsed.SIGNING_KEY);
  const allowedRedirectOrigins = parseOrigins(parsed.ALLOWED_REDIRECT_ORIGINS, publicUrl);
  const trustProxy = parseTrustProxy(parsed.TRUST_PROXY);
  if (parsed.REDIS_URL !== undefined) assertRedisUrl(parsed.REDIS_URL);

  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    requestTimeoutMs: parsed.REQUEST_TIMEOUT_MS,
    publicUrl,
    database: Object.freeze(database),
    dataDir: parsed.DATA_DIR,
    smtpUrl: parsed.SMTP_URL,
    templatesDir: parsed.TEMPLATES_DIR,
    mailFrom: parsed.MAIL_FROM,
    logLevel: parsed.LOG_LEVEL,
    defaultLocale: parsed.DEFAULT_LOCALE as Locale,
    invitationExpiryDays: parsed.INVITATION_EXPIRY_DAYS,
    eventRetentionDays: parsed.EVENT_RETENTION_DAYS,
    accessTokenTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlHours: parsed.SESSION_TTL_HOURS,
    tokenIssuer: parsed.TOKEN_ISSUER ?? publicUrl,
    tokenAudience: parsed.TOKEN_AUDIENCE ?? publicUrl,
    signingKey: parsed.SIGNING_KEY,
    secretKey: parsed.SECRET_KEY,
    seedDemo: parsed.SEED_DEMO,
    allowedRedirectOrigins,
    smtpPoolSize: parsed.SMTP_POOL_SIZE,
    outbox: Object.freeze({
      inlineWorker: parsed.OUTBOX_WORKER,
      pollMs: parsed.OUTBOX_POLL_MS,
      batchSize: parsed.OUTBOX_BATCH_SIZE,
      concurrency: parsed.OUTBOX_CONCURRENCY,
      leaseSeconds: parsed.OUTBOX_LEASE_SECONDS,
      maxAttempts: parsed.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: parsed.OUTBOX_RETRY_BASE_MS,
      retryMaxMs: parsed.OUTBOX_RETRY_MAX_MS,
    }),
    trustProxy,
    redisUrl: parsed.REDIS_URL,
    redisKeyPrefix: parsed.REDIS_KEY_PREFIX,
    limits: Object.freeze({
      orgInvitationsPerHour: parsed.RATE_LIMIT_ORG_INVITATIONS_PER_HOUR,
      inviterInvitationsPerHour: parsed.RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR,
      recipientEmailsPerDay: parsed.RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY,
      tokenAttemptsPerMinute: parsed.RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE,
      signInAttemptsPerMinute: parsed.RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_MINUTE,
      acceptAttemptsPerMinute: parsed.RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE,
      pendingInvitationsPerOrg: parsed.PENDING_INVITATIONS_MAX_PER_ORG,
    }),
    webhooks: Object.freeze({
      allowHttp: parsed.WEBHOOK_ALLOW_HTTP,
      allowPrivateNetworks: parsed.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    }),
  });
}
