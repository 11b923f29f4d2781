import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import type { DialectName } from '../../src/db/dialect.js';
import { createClient } from '../../src/modules/clients/client.service.js';
import { openSession } from '../../src/modules/sessions/session.service.js';
import { upsertMembership } from '../../src/modules/memberships/membership.repository.js';
import { findUserById } from '../../src/modules/users/user.repository.js';
import { findOrCreateUser } from '../../src/modules/users/user.service.js';
import { createFingerprinter, type Fingerprinter } from '../helpers/db-fingerprint.js';
import {
  bearer,
  createTestOrganization,
  platformToken,
  startTestApp,
  tamper,
  tokenFor,
  type TestApp,
} from '../helpers/test-app.js';
import { linkToken } from '../helpers/links.js';

/**
 * The world a fuzz run calls into: one app on a fresh database, organizations with an owner, an
 * administrator, a member and a viewer (each with a session), a platform client, invitations in
 * every state, and pagination cursors. Generated requests never name these users in a path, so
 * that a removal or a change of role cannot take a fixture away from the runs after it. Generated requests name these with placeholders
 * (`{{orgA}}`, `{{session.admin}}`), so that generation stays pure and most requests get past
 * authentication to validation and the service; `resolve` puts the real values in. A few
 * placeholders (`{{linkToken.live}}`, `{{orgA.invitation.pending}}`…) make a fresh resource for
 * each request, because a successful accept, revoke or delete uses one up.
 */

/** A generated request, with placeholders still in it. */
export interface RequestSpec {
  method: string;
  /** Path with its parameters already encoded (or deliberately not). */
  path: string;
  /** Query string without the `?`, as sent. */
  query: string;
  headers: Record<string, string>;
  body: BodySpec | undefined;
}

export type BodySpec =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: unknown }
  | { kind: 'text'; text: string };

const PLACEHOLDER = /\{\{([a-zA-Z.]+)\}\}/g;

export interface FuzzWorld {
  t: TestApp;
  dialect: DialectName;
  /** Every route the app registered, hidden ones included. */
  routes: RouteOptions[];
  fingerprinter: Fingerprinter;
  /** The placeholder values that stay the same for the whole run. */
  fixed: Record<string, string>;
  resolve(spec: RequestSpec): Promise<InjectOptions>;
  /** How many times resolving wrote to the database (made a fresh resource): a fingerprint taken before is stale. */
  setupWrites(): number;
  close(): Promise<void>;
}

function mustBe(response: LightMyRequestResponse, status: number, what: string): LightMyRequestResponse {
  if (response.statusCode !== status)
    throw new Error(`fuzz setup: ${what} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
  return response;
}

/** A string with its placeholders replaced; every string inside objects and arrays too (own `__proto__` keys stay keys). */
async function mapStrings(value: unknown, replace: (text: string) => Promise<string>): Promise<unknown> {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await mapStrings(item, replace));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(out, key, {
        value: await mapStrings(inner, replace),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** Form fields as a browser or an OAuth client would send them; nested values go as their text. */
function formEncode(value: unknown): string {
  // JSON, not String(): an object with its own `toString` key cannot be converted to a string.
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return encodeText(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  return Object.entries(value)
    .flatMap(([key, inner]) => (Array.isArray(inner) ? inner.map((item) => [key, item]) : [[key, inner]]))
    .map(
      ([key, inner]) =>
        `${encodeText(String(key))}=${encodeText(typeof inner === 'string' ? inner : (JSON.stringify(inner) ?? ''))}`,
    )
    .join('&');
}

/** Percent-encodes any string, lone surrogates included (as the replacement character's bytes, like a browser). */
export function encodeText(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')]
      .map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`)
      .join('');
  }
}

function serializeBody(body: BodySpec | undefined): string | undefined {
  if (!body) return undefined;
  if (body.kind === 'text') return body.text;
  if (body.kind === 'form') return formEncode(body.value);
  return body.value === undefined ? undefined : JSON.stringify(body.value);
}

export async function createFuzzWorld(dialect: DialectName): Promise<FuzzWorld> {
  const routes: RouteOptions[] = [];
  const t = await startTestApp(
    dialect,
    {
      // Only failures are logged: a 5xx's cause is then in t.logs, next to its request id.
      LOG_LEVEL: 'error',
      // The limits count every request (their code is fuzzed too) but never refuse one here: a
      // 429 would stop the runs short of validation and the service. They have tests of their own.
      RATE_LIMIT_ORG_INVITATIONS_PER_HOUR: '1000000000',
      RATE_LIMIT_INVITER_INVITATIONS_PER_HOUR: '1000000000',
      RATE_LIMIT_TOKEN_ATTEMPTS_PER_MINUTE: '1000000000',
      RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_MINUTE: '1000000000',
      RATE_LIMIT_ACCEPT_ATTEMPTS_PER_MINUTE: '1000000000',
      PENDING_INVITATIONS_MAX_PER_ORG: '1000000000',
      // X-Forwarded-For is read (and fuzzed) as a proxy's.
      TRUST_PROXY: 'true',
    },
    { onRoute: (route) => routes.push(route) },
  );
  const inject = (options: InjectOptions) => t.app.inject(options);

  const orgA = await createTestOrganization(t, 'Fuzz A');
  const orgB = await createTestOrganization(t, 'Fuzz B');
  const platform = await platformToken(t);
  const noOwner = mustBe(
    await inject({
      method: 'POST',
      url: '/v1/organizations',
      headers: bearer(platform),
      payload: { name: 'Fuzz without owner' },
    }),
    201,
    'an organization without owner',
  ).json().organization;
  const noOwnerClient = await createClient(t.deps, { organizationId: noOwner.id });
  const noOwnerToken = await tokenFor(t, noOwnerClient.clientId, noOwnerClient.clientSecret);
  const a = `/v1/organizations/${orgA.organization.id}`;

  const roles = Object.fromEntries(orgA.roles.map((role) => [role.name, role.id])) as Record<string, string>;
  const custom = mustBe(
    await inject({
      method: 'POST',
      url: `${a}/roles`,
      headers: bearer(orgA.token),
      payload: { name: 'Auditor', permissions: ['invitations:read'] },
    }),
    201,
    'a custom role',
  ).json();

  async function invite(email: string, extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
    const created = mustBe(
      await inject({
        method: 'POST',
        url: `${a}/invitations`,
        headers: bearer(orgA.token),
        payload: { email, sendEmail: false, ...extra },
      }),
      201,
      'an invitation',
    ).json();
    return { id: created.id, token: linkToken(created.acceptUrl) };
  }

  /** A member of A with the role, signed in by accepting an invitation (the real way in). */
  async function memberWith(roleName: string): Promise<{ userId: string; session: string; email: string }> {
    const email = `fuzz-${roleName.toLowerCase()}@example.com`;
    const { token } = await invite(email, { roleName });
    const accepted = mustBe(
      await inject({ method: 'POST', url: '/v1/invitations/accept', payload: { token, password: 'Fuzz-passw0rd!' } }),
      200,
      `accepting as ${roleName}`,
    ).json();
    return { userId: accepted.session.user.id, session: accepted.session.token, email };
  }

  const admin = await memberWith('Administrator');
  const member = await memberWith('Member');
  const viewer = await memberWith('Viewer');
  const ownerUser = (await findUserById(t.deps.db, orgA.owner!.id))!;
  const ownerSession = (await openSession(t.deps.db, t.deps, ownerUser)).token;
  const orgBOwner = (await findUserById(t.deps.db, orgB.owner!.id))!;
  const orgBSession = (await openSession(t.deps.db, t.deps, orgBOwner)).token;
  const revokedSession = (await openSession(t.deps.db, t.deps, ownerUser)).token;
  mustBe(
    await inject({ method: 'DELETE', url: '/v1/sessions/current', headers: bearer(revokedSession) }),
    204,
    'signing out',
  );

  const pending = await invite('fuzz-pending@example.com');
  const revoked = await invite('fuzz-revoked@example.com');
  mustBe(
    await inject({ method: 'POST', url: `${a}/invitations/${revoked.id}/revoke`, headers: bearer(orgA.token) }),
    200,
    'revoking',
  );
  const theirs = mustBe(
    await inject({
      method: 'POST',
      url: `/v1/organizations/${orgB.organization.id}/invitations`,
      headers: bearer(orgB.token),
      payload: { email: 'fuzz-theirs@example.com' },
    }),
    201,
    'an invitation in B',
  ).json();
  for (let i = 0; i < 3; i++) await invite(`fuzz-page-${i}@example.com`);

  const cursor = async (url: string, field: string, token = orgA.token) => {
    const page = mustBe(await inject({ url, headers: bearer(token) }), 200, `listing ${url}`).json();
    if (typeof page[field] !== 'string') throw new Error(`fuzz setup: ${url} gave no ${field}`);
    return page[field] as string;
  };

  const fixed: Record<string, string> = {
    orgA: orgA.organization.id,
    orgB: orgB.organization.id,
    orgNoOwner: noOwner.id,
    'orgA.slug': orgA.organization.slug,
    'orgA.owner': orgA.owner!.id,
    'orgA.admin': admin.userId,
    'orgA.member': member.userId,
    'orgB.owner': orgB.owner!.id,
    'orgA.role.owner': roles.Owner!,
    'orgA.role.admin': roles.Administrator!,
    'orgA.role.member': roles.Member!,
    'orgA.role.viewer': roles.Viewer!,
    'orgA.role.custom': custom.id,
    'orgB.role.member': orgB.roles.find((role) => role.name === 'Member')!.id,
    'orgA.invitation.revoked': revoked.id,
    'orgB.invitation': theirs.id,
    'email.pending': 'fuzz-pending@example.com',
    'email.member': member.email,
    'email.owner': orgA.owner!.email,
    'token.orgA': orgA.token,
    'token.orgB': orgB.token,
    'token.platform': platform,
    'token.noOwner': noOwnerToken,
    'token.tampered': tamper(orgA.token),
    'session.owner': ownerSession,
    'session.admin': admin.session,
    'session.member': member.session,
    'session.viewer': viewer.session,
    'session.orgB': orgBSession,
    'session.revoked': revokedSession,
    'client.id': orgA.clientId,
    'client.secret': orgA.clientSecret,
    'basic.valid': Buffer.from(`${orgA.clientId}:${orgA.clientSecret}`).toString('base64'),
    'cursor.invitations': await cursor(`${a}/invitations?limit=1`, 'nextCursor'),
    'cursor.members': await cursor(`${a}/members?limit=1`, 'nextCursor'),
    'cursor.usersV1': await cursor('/users/v1/invites?limit=1', 'nextPageStartKey'),
    'linkToken.dead': revoked.token,
    'linkToken.pending': pending.token,
  };

  let setupWrites = 0;
  /** Pending invitations made a batch at a time (one bulk request is far cheaper than 25 single ones). */
  const unused: Array<{ id: string; token: string }> = [];
  async function unusedInvitation(): Promise<{ id: string; token: string }> {
    if (unused.length === 0) {
      const invitations = Array.from({ length: 25 }, () => ({
        email: `fuzz-${randomUUID()}@example.com`,
        sendEmail: false,
      }));
      const batch = mustBe(
        await inject({
          method: 'POST',
          url: `${a}/invitations/bulk`,
          headers: bearer(orgA.token),
          payload: { invitations },
        }),
        200,
        'a batch of invitations',
      ).json() as { results: Array<{ invitation: { id: string }; acceptUrl: string }> };
      for (const result of batch.results) unused.push({ id: result.invitation.id, token: linkToken(result.acceptUrl) });
    }
    return unused.pop()!;
  }

  /** Resources a successful request may use up: a new one for each request that names one. */
  const fresh: Record<string, () => Promise<string>> = {
    'orgA.invitation.pending': async () => (await unusedInvitation()).id,
    'linkToken.live': async () => (await unusedInvitation()).token,
    'session.fresh': async () =>
      (await openSession(t.deps.db, t.deps, (await findUserById(t.deps.db, member.userId))!)).token,
    'orgA.newMember': async () => {
      // Straight into the database: the fuzzed routes may remove or demote anyone the setup could use.
      const now = t.deps.clock.now().toISOString();
      const user = await findOrCreateUser(t.deps.db, t.deps.clock, {
        email: `fuzz-${randomUUID()}@example.com`,
        firstName: 'Fuzz',
      });
      await upsertMembership(t.deps.db, {
        id: randomUUID(),
        organization_id: orgA.organization.id,
        user_id: user.id,
        role_id: roles.Member!,
        scope: 1,
        permissions: JSON.stringify({ group: 0, read: [], manage: [] }),
        metadata: null,
        status: 'ACTIVE',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      });
      return user.id;
    },
  };

  /** The invitation page's form token and cookie for a link, as a browser would have them. */
  async function csrfFor(path: string): Promise<{ token: string; cookie: string }> {
    const linkToken = /^\/invite\/([^/?]+)/.exec(path)?.[1];
    if (!linkToken) return { token: '', cookie: '' };
    const page = await inject({ method: 'GET', url: `/invite/${linkToken}` });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const setCookie = [page.headers['set-cookie'] ?? []].flat().find((cookie) => cookie.startsWith('tessera_csrf='));
    return { token, cookie: setCookie?.split(';')[0] ?? '' };
  }

  async function resolve(spec: RequestSpec): Promise<InjectOptions> {
    const memo = new Map<string, string>();
    let csrf: { token: string; cookie: string } | undefined;
    let path = spec.path;
    const replace = async (text: string): Promise<string> => {
      let out = '';
      let last = 0;
      for (const match of text.matchAll(PLACEHOLDER)) {
        const name = match[1]!;
        let value = fixed[name] ?? memo.get(name);
        if (value === undefined && fresh[name]) {
          setupWrites++;
          value = await fresh[name]();
          memo.set(name, value);
        }
        if (value === undefined && (name === 'csrf' || name === 'csrfCookie')) {
          csrf ??= await csrfFor(path);
          value = name === 'csrf' ? csrf.token : csrf.cookie;
        }
        out += text.slice(last, match.index) + (value ?? match[0]);
        last = match.index! + match[0].length;
      }
      return out + text.slice(last);
    };
    path = await replace(spec.path);
    const query = await replace(spec.query);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(spec.headers)) headers[name] = await replace(value);
    const body =
      spec.body?.kind === 'text'
        ? { kind: 'text' as const, text: await replace(spec.body.text) }
        : spec.body && { ...spec.body, value: await mapStrings(spec.body.value, replace) };
    return {
      method: spec.method as InjectOptions['method'],
      url: query ? `${path}?${query}` : path,
      headers,
      payload: serializeBody(body),
    };
  }

  return {
    t,
    dialect,
    routes,
    fingerprinter: await createFingerprinter(t.deps.db, dialect),
    fixed,
    resolve,
    setupWrites: () => setupWrites,
    close: () => t.close(),
  };
}
