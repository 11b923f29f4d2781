import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DialectName } from '../../src/db/dialect.js';
import { createServiceDeps, type ServiceDeps } from '../../src/deps.js';
import type { App } from '../../src/http/fastify-types.js';
import { loggerOptions } from '../../src/http/logging.js';
import { createClient } from '../../src/modules/clients/client.service.js';
import { createOrganization, type CreatedOrganization } from '../../src/modules/organizations/organization.service.js';
import { createMailer } from '../../src/email/mailer.js';
import type { OutboxRow } from '../../src/modules/outbox/outbox.repository.js';
import { OutboxWorker } from '../../src/modules/outbox/outbox.worker.js';
import { linkToken } from './links.js';
import { SmtpSink } from './smtp-sink.js';
import { TestClock } from './test-clock.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface TestApp {
  app: App;
  /** Delivers through the SMTP sink when the app was started with one. */
  worker?: OutboxWorker;
  smtp?: SmtpSink;
  deps: ServiceDeps;
  config: Config;
  clock: TestClock;
  database: TestDatabase;
  /** Every log line the app wrote, as written. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Tests create invitations and tokens by the hundred from 127.0.0.1: the limits are on (so that
 * every test goes through them) but far away. The rate-limit tests set low ones.
 */
export const GENEROUS_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '1000000',
  RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: '1000000',
  RATE_LIMIT_RECIPIENT_EMAILS_PER_DAY: '1000000',
  RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '1000000',
  RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_MINUTE: '1000000',
  RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE: '1000000',
  PENDING_INVITATIONS_MAX_PER_ORG: '1000000',
};

/**
 * The real app on a fresh, migrated database of the given dialect, with its logs captured. With
 * `smtp`, a real SMTP server receives the mail that a real outbox worker delivers.
 */
export async function startTestApp(
  dialect: DialectName,
  env: Record<string, string> = {},
  options: { smtp?: boolean; listen?: boolean; onRoute?: (route: RouteOptions) => void } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const smtp = options.smtp ? await new SmtpSink().start() : undefined;
  // Listening for a browser: the public URL (in links and redirects) is the real address.
  const port = options.listen ? await freePort() : undefined;
  if (port) env = { PUBLIC_URL: `http://127.0.0.1:${port}`, ...env };
  const config = loadConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'debug',
    SEED_DEMO: 'false',
    OUTBOX_POLL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '50',
    OUTBOX_RETRY_MAX_MS: '200',
    ...GENEROUS_LIMITS,
    ...(smtp ? { SMTP_URL: smtp.url } : {}),
    ...env,
  });
  const clock = new TestClock();
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const deps = await createServiceDeps(config, database.handle, clock);
  const app = await buildApp({ deps, logger: loggerOptions(config.logLevel, stream), onRoute: options.onRoute });
  await app.ready();
  await deps.limits.connect(app.log);
  if (port) await app.listen({ port, host: '127.0.0.1' });
  const worker = smtp
    ? // The sweeps run on their own timers, beside the tests' clock: a test runs them when it needs them.
      new OutboxWorker(deps, createMailer(config, app.log), app.log.child({ component: 'outbox' }), { sweeps: false })
    : undefined;
  worker?.start();
  return {
    app,
    worker,
    smtp,
    deps,
    config,
    clock,
    database,
    logs,
    close: async () => {
      await worker?.stop();
      await worker?.mailer.close();
      await smtp?.stop();
      await app.close();
      await deps.limits.close();
      await database.drop();
    },
  };
}

export interface TestOrganization extends CreatedOrganization {
  clientId: string;
  clientSecret: string;
  token: string;
  ownerPassword: string;
}

let counter = 0;

/** An organization with an owner (who has a password) and an organization client with a token. */
export async function createTestOrganization(t: TestApp, name = `Org ${++counter}`): Promise<TestOrganization> {
  const ownerPassword = 'Owner-Passw0rd!';
  const created = await createOrganization(t.deps, {
    name,
    owner: { email: `owner-${counter}-${Date.now()}@example.com`, password: ownerPassword },
  });
  const client = await createClient(t.deps, { organizationId: created.organization.id });
  return {
    ...created,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    token: await tokenFor(t, client.clientId, client.clientSecret),
    ownerPassword,
  };
}

/**
 * Invites every address in one bulk request as the organization's client, each item with `fields`
 * too (`{ sendEmail: false }`); all must be created. Returns the invitation ids.
 */
export async function inviteInBulk(
  t: TestApp,
  org: TestOrganization,
  emails: string[],
  fields: Record<string, unknown> = {},
): Promise<string[]> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/organizations/${org.organization.id}/invitations/bulk`,
    headers: bearer(org.token),
    payload: { invitations: emails.map((email) => ({ ...fields, email })) },
  });
  assert.equal(response.statusCode, 200, response.body);
  const results = response.json().results as Array<{ status: number; invitation?: { id: string } }>;
  assert.ok(results.length === emails.length && results.every((result) => result.status === 201), response.body);
  return results.map((result) => result.invitation!.id);
}

/** Waits until the worker has nothing left to send (so that counting received mail is stable). */
export async function waitForOutboxIdle(t: TestApp, timeoutMs = 15_000): Promise<void> {
  await waitForOutboxSettled(t, {}, timeoutMs);
}

/** Which outbox messages to wait for: those of one invitation, those to one address, or (neither) all. */
export interface OutboxSelection {
  invitationId?: string;
  /** The recipient, as the message's payload has it (compared without regard to case). */
  to?: string;
}

/**
 * Waits until every outbox message `which` selects has reached a final state (SENT, delivered or
 * suppressed; CANCELLED; DEAD) and returns them, oldest first: from then on the SMTP sink holds
 * every email they will ever deliver, so "nothing was sent" can be asserted without guessing how
 * long the worker takes. Selecting no message at all is settled at once. Fails after `timeoutMs`.
 */
export async function waitForOutboxSettled(
  t: TestApp,
  which: OutboxSelection = {},
  timeoutMs = 15_000,
): Promise<OutboxRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let query = t.deps.db.selectFrom('outbox').selectAll().orderBy('created_at').orderBy('id');
    if (which.invitationId !== undefined) query = query.where('invitation_id', '=', which.invitationId);
    const rows = (await query.execute()).filter(
      (row) =>
        which.to === undefined ||
        String((JSON.parse(row.payload) as { to?: unknown }).to).toLowerCase() === which.to.toLowerCase(),
    );
    const pending = rows.filter((row) => row.status === 'PENDING');
    if (pending.length === 0) return rows;
    if (Date.now() > deadline)
      throw new Error(
        `${pending.length} outbox messages still pending after ${timeoutMs} ms: ${JSON.stringify(which)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Signs in through /v1/sessions (which must answer 201); returns the session token. */
export async function signIn(t: TestApp, email: string, password: string): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email, password } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().token as string;
}

/** A session token of the organization's Owner, signed in with the password it was created with. */
export function sessionFor(t: TestApp, org: TestOrganization): Promise<string> {
  return signIn(t, org.owner!.email, org.ownerPassword);
}

export interface InvitationLink {
  /** The created invitation, as the 201 answered it. */
  invitation: any;
  link: string;
  token: string;
}

/**
 * Invites `payload.email` through /v1 as the organization's client (201 asserted) and returns the
 * invitation with its link: the `acceptUrl` of the answer with `sendEmail: false`, otherwise the
 * link of the email the worker delivers to the address (the app must have been started with smtp).
 */
export async function inviteAndGetLink(
  t: TestApp,
  org: TestOrganization,
  payload: { email: string } & Record<string, unknown>,
  token = org.token,
): Promise<InvitationLink> {
  const earlier = t.smtp ? (await t.smtp.mailTo(payload.email, 0)).length : 0;
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/organizations/${org.organization.id}/invitations`,
    headers: bearer(token),
    payload,
  });
  assert.equal(response.statusCode, 201, response.body);
  const invitation = response.json();
  if (payload.sendEmail === false)
    return { invitation, link: invitation.acceptUrl, token: linkToken(invitation.acceptUrl) };
  if (!t.smtp)
    throw new Error('inviteAndGetLink: the email is read from the SMTP sink; start the app with { smtp: true }');
  const mail = (await t.smtp.mailTo(payload.email, earlier + 1))[earlier]!;
  return { invitation, link: SmtpSink.link(mail), token: SmtpSink.token(mail) };
}

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Listens on a free port of 127.0.0.1, for clients that need a real socket; returns the base URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return address.replace('localhost', '127.0.0.1');
}

export async function platformToken(t: TestApp): Promise<string> {
  const client = await createClient(t.deps, { organizationId: null });
  return tokenFor(t, client.clientId, client.clientSecret);
}

export async function tokenFor(t: TestApp, clientId: string, clientSecret: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.body}`);
  return response.json().access_token as string;
}

/** The token with one character of its signature changed (in the middle: the last one may carry no bits). */
export function tamper(token: string): string {
  const at = token.length - 20;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

/** A fetch response's JSON; tests check it field by field, so any is enough. */
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function problem(response: LightMyRequestResponse): { status: number; code: string; detail?: string } {
  return response.json();
}
