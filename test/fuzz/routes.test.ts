import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { fingerprintChanges, type Fingerprint } from '../helpers/db-fingerprint.js';
import { DIALECTS } from '../helpers/test-db.js';
import { createFuzzWorld, type FuzzWorld, type RequestSpec } from './fuzz-world.js';
import { requestArbitrary, strayRequestArbitrary } from './request-arbitrary.js';
import { errorFormatProblem, serverErrorProblem, type Surface } from './response-contract.js';
import { planRoutes, type FuzzRoute } from './route-plans.js';

/**
 * Property tests over every route of every surface: thousands of generated bodies, queries and
 * headers (see request-arbitrary.ts), mostly from legitimate callers so they reach validation and
 * the service. For each: never a 5xx; on a 4xx, nothing written to any table; every error in its
 * surface's format. `FUZZ_RUNS=10` runs ten times as many requests; `FUZZ_SEED` replays a run
 * (on a fresh database, so a replay sees the same fixtures but not necessarily the same ids).
 */

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** `FUZZ_ROUTES='POST /invite'` fuzzes only the routes whose key contains it (to replay one). */
const ONLY = process.env.FUZZ_ROUTES;
/** `FUZZ_PATH` (with `FUZZ_SEED` and `FUZZ_ROUTES`) replays only the counterexample a failure reported. */
const REPLAY_PATH = process.env.FUZZ_PATH;
/** Requests to paths and methods no route has. */
const STRAY_RUNS = 200;
/** `FUZZ_STATS=1` prints, per route, how many requests got which answer: whether the runs reach past validation. */
const STATS = process.env.FUZZ_STATS === '1';

/** A response in a word: its status and the error's code, for the statistics. */
function outcomeLabel(response: LightMyRequestResponse): string {
  let code = '';
  try {
    const body = response.json() as {
      code?: unknown;
      error?: unknown;
      title?: unknown;
      details?: Array<{ field?: string }>;
      detail?: unknown;
    };
    code =
      typeof body.code === 'string' ? body.code : String(body.details?.[0]?.field ?? body.error ?? body.title ?? '');
  } catch {
    // a page or no body
  }
  return `${response.statusCode}${code && !/^\d+$/.test(code) ? ` ${code}` : ''}`;
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}… (${text.length} characters)` : text;
}

function describeRequest(request: InjectOptions): string {
  const headers = Object.entries((request.headers ?? {}) as Record<string, string>)
    .map(([name, value]) => `  ${name}: ${clip(JSON.stringify(value), 160)}`)
    .join('\n');
  const body = request.payload === undefined ? '' : `\n  body: ${clip(JSON.stringify(request.payload), 600)}`;
  return `${request.method} ${clip(String(request.url), 400)}\n${headers}${body}`;
}

/** The app's own account of a request that failed (its error log lines), to find the cause of a 5xx. */
function serverLog(world: FuzzWorld, response: LightMyRequestResponse): string {
  const id = String(response.headers['x-request-id'] ?? '');
  const lines = world.t.logs.filter((line) => id && line.includes(id));
  return lines.length ? `\nserver log:\n${lines.map((line) => clip(line, 3000)).join('\n')}` : '';
}

/** A route's path pattern as a regular expression: `:param` one segment (the router lets it be empty), `*` the rest. */
function pathPattern(url: string): RegExp {
  const segments = url
    .split('/')
    .map((segment) =>
      segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * The surface that answered: the one of the route the request matched, or the app-wide handlers
 * (which answer as the native API does) when it matched none. A parameter like `%2e%2e`, which
 * light-my-request resolves as `..`, can make the path another one.
 */
function surfaceOf(routes: FuzzRoute[], request: InjectOptions): Surface {
  const path = new URL(String(request.url), 'http://localhost').pathname;
  // A path the router cannot decode is refused before any route is matched, whatever the method
  // (app.ts, frameworkErrors): an invitation or password-setup link with its invalid-link page, anything else as the
  // native API does. FUZZ_SEED=101 found an OPTIONS request to such a link.
  if (!decodable(path))
    return path.startsWith('/invite/') || path.startsWith('/password-setup/')
      ? 'web'
      : (surfaceByPrefix(path) ?? 'native');
  return (
    routes.filter((route) => route.method === request.method).find((route) => pathPattern(route.url).test(path))?.plan
      .surface ??
    surfaceByPrefix(path) ??
    'native'
  );
}

/** Under a documented surface's paths, a request no route takes is answered in that surface's format. */
function surfaceByPrefix(path: string): Surface | undefined {
  const under = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  if (under('/users/v1/invites')) return 'users-v1';
  if (under('/api/v1.0/external/tenant')) return 'tenant';
  return undefined;
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

interface Outcome {
  request: InjectOptions;
  response: LightMyRequestResponse;
  /** What the request changed in the database, as fingerprint differences. */
  writes: string[];
}

/**
 * Sends generated requests to the world's app, noting what each wrote. The fingerprint after one
 * request is the one before the next, unless making its fixtures wrote something.
 */
function sender(world: FuzzWorld): (spec: RequestSpec) => Promise<Outcome> {
  let last: { fingerprint: Fingerprint; setupWrites: number } | undefined;
  return async (spec) => {
    const request = await world.resolve(spec);
    const before = last?.setupWrites === world.setupWrites() ? last.fingerprint : await world.fingerprinter.take();
    const response = await world.t.app.inject(request);
    const after = await world.fingerprinter.take();
    last = { fingerprint: after, setupWrites: world.setupWrites() };
    return { request, response, writes: fingerprintChanges(before, after) };
  };
}

/** What is wrong with the outcome: a 5xx, a write on a 4xx, an error not in the surface's format. */
function violations(routes: FuzzRoute[], { request, response, writes }: Outcome): string[] {
  const status = response.statusCode;
  const method = String(request.method);
  const found: string[] = [];
  if (status >= 500) {
    found.push(`a ${status}`);
    const body = serverErrorProblem(response, method);
    if (body) found.push(`and its body is wrong: ${body}`);
  }
  if (status >= 400 && status < 500 && writes.length > 0) found.push(`a ${status} that wrote: ${writes.join('; ')}`);
  // The generated `__proto__` and `constructor.prototype` keys all set `polluted`: it must never reach a prototype.
  if ('polluted' in Object.prototype || 'polluted' in Array.prototype) found.push('a prototype was polluted');
  if (status >= 400) {
    const surface = surfaceOf(routes, request);
    const format = errorFormatProblem(surface, response, method);
    if (format) found.push(`a ${status} not in the ${surface} format: ${format}`);
  }
  return found;
}

/** Runs the properties over requests from `requests`; `name` says what they are for in a failure report. */
async function fuzz(
  world: FuzzWorld,
  name: string,
  requests: fc.Arbitrary<RequestSpec>,
  runs: number,
  tally: Map<string, number>,
): Promise<void> {
  const routes = planRoutes(world.routes).planned;
  const numRuns = Math.max(1, Math.round(runs * FUZZ_RUNS));
  const send = sender(world);
  await fc.assert(
    fc.asyncProperty(requests, async (spec) => {
      const outcome = await send(spec);
      const label = outcomeLabel(outcome.response);
      tally.set(label, (tally.get(label) ?? 0) + 1);
      const found = violations(routes, outcome);
      if (found.length > 0) {
        throw new Error(
          `${found.join('\n')}\n\nrequest:\n${describeRequest(outcome.request)}\n\nresponse: ${outcome.response.statusCode} ` +
            `${clip(outcome.response.body, 600)}${serverLog(world, outcome.response)}`,
        );
      }
    }),
    {
      numRuns,
      seed: SEED,
      ...(REPLAY_PATH ? { path: REPLAY_PATH, endOnFailure: true } : {}),
      plugins: [
        () => ({
          onAllRunsComplete: (details) => {
            if (!details.failed) return;
            const cause =
              details.errorInstance instanceof Error
                ? String(details.errorInstance.stack)
                : String(details.errorInstance);
            throw new Error(
              `${name} [${world.dialect}] failed after ${details.numRuns} runs and ${details.numShrinks} shrinks.\n` +
                `Replay with FUZZ_SEED=${details.seed} FUZZ_ROUTES='${name}', or only its counterexample by adding FUZZ_PATH=${details.counterexamplePath}.\n\n${cause}`,
            );
          },
        }),
      ],
    },
  );
}

for (const dialect of DIALECTS) {
  describe(`fuzzing every route [${dialect}]`, () => {
    let world: FuzzWorld;
    before(async () => {
      world = await createFuzzWorld(dialect);
    });
    after(() => world?.close());

    /** Sends one hand-written request (placeholders allowed) and checks what every fuzzed one must hold, and its status. */
    async function expectRefusal(
      spec: Partial<RequestSpec> & { path: string },
      surface: Surface,
      status: number,
    ): Promise<Outcome> {
      const outcome = await sender(world)({
        method: 'GET',
        query: '',
        headers: { authorization: 'Bearer {{token.orgA}}' },
        body: undefined,
        ...spec,
      });
      assert.equal(
        outcome.response.statusCode,
        status,
        `${outcome.request.method} ${clip(String(outcome.request.url), 200)}: ${clip(outcome.response.body, 300)}`,
      );
      assert.equal(surfaceOf(planRoutes(world.routes).planned, outcome.request), surface);
      assert.deepEqual(violations(planRoutes(world.routes).planned, outcome), []);
      return outcome;
    }

    describe('what fuzzing found', () => {
      test('a query number too large for JavaScript ("1e400", "Infinity") is a 400, not a LIMIT of Infinity (a 500 on SQLite)', async () => {
        for (const limit of ['1e400', 'Infinity', '-1e400']) {
          const native = await expectRefusal(
            { path: '/v1/organizations/{{orgA}}/invitations', query: `limit=${limit}` },
            'native',
            400,
          );
          assert.equal(native.response.json().code, 'VALIDATION_FAILED');
          await expectRefusal({ path: '/v1/organizations/{{orgA}}/members', query: `limit=${limit}` }, 'native', 400);
          const documented = await expectRefusal(
            { path: '/users/v1/invites', query: `limit=${limit}` },
            'users-v1',
            400,
          );
          assert.deepEqual(
            documented.response.json().details.map((d: { field: string }) => d.field),
            ['limit'],
          );
        }
      });

      test('JSON nested deeper than 64 levels is a 400 on every surface, not a stack overflow (a 500) in whatever walks it', async () => {
        const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        const json = (text: string) => ({ kind: 'text' as const, text });
        const headers = { authorization: 'Bearer {{token.orgA}}', 'content-type': 'application/json' };
        const invitations = '/v1/organizations/{{orgA}}/invitations';
        // 64 levels in all (the body itself is one) are accepted: the limit is not a guess at what is deep.
        const deepest = await sender(world)({
          method: 'POST',
          path: invitations,
          query: '',
          headers,
          body: json(`{"email":"fuzz-deep@example.com","metadata":${nested(63)}}`),
        });
        assert.equal(deepest.response.statusCode, 201, deepest.response.body);
        for (const depth of [64, 5_000, 150_000]) {
          const metadata = json(`{"email":"fuzz-deeper@example.com","metadata":${nested(depth)}}`);
          const refused = await expectRefusal(
            { method: 'POST', path: invitations, headers, body: metadata },
            'native',
            400,
          );
          assert.equal(refused.response.json().code, 'MALFORMED_REQUEST');
          // The Idempotency-Key path hashes the body: the same limit keeps it from overflowing too.
          await expectRefusal(
            {
              method: 'POST',
              path: invitations,
              headers: { ...headers, 'idempotency-key': `deep-${depth}` },
              body: metadata,
            },
            'native',
            400,
          );
        }
        const deep = json('['.repeat(100_000) + ']'.repeat(100_000));
        await expectRefusal({ method: 'POST', path: '/users/v1/invites', headers, body: deep }, 'users-v1', 400);
        await expectRefusal(
          { method: 'POST', path: '/api/v1.0/external/tenant/inviteusers', headers, body: deep },
          'tenant',
          400,
        );
        await expectRefusal(
          { method: 'POST', path: '/oauth/token', headers: { 'content-type': 'application/json' }, body: deep },
          'oauth',
          400,
        );
      });

      test('a path the router cannot decode, or with a parameter past maxParamLength or its schema, answers in its surface format', async () => {
        const problem = await expectRefusal({ path: '/v1/organizations/%E0%A4%A' }, 'native', 400);
        assert.equal(problem.response.json().code, 'VALIDATION_FAILED');
        await expectRefusal({ path: `/v1/organizations/{{orgA}}/invitations/${'a'.repeat(600)}` }, 'native', 400);
        await expectRefusal({ method: 'HEAD', path: '/v1/organizations/{{orgA}}/members/%zz' }, 'native', 400);
        // Whatever the method, even one no route has: the path is refused before routing.
        await expectRefusal({ method: 'OPTIONS', path: '/v1/organizations/%E0%A4%A' }, 'native', 400);
        const optionsLink = await expectRefusal(
          { method: 'OPTIONS', path: '/invite/{{linkToken.live}}/%E0%A4%A', headers: {} },
          'web',
          404,
        );
        assert.match(optionsLink.response.body, /This invitation link isn(?:'|&#39;)t valid/);
        // An invitation link that cannot be routed, or whose token no link can have, is as dead as an unknown one: the same page.
        for (const token of ['%E0%A4%A', 'x'.repeat(600), 'x'.repeat(513), '']) {
          const page = await expectRefusal({ path: `/invite/${token}`, headers: {} }, 'web', 404);
          assert.match(page.response.body, /This invitation link isn(?:'|&#39;)t valid/);
          await expectRefusal(
            {
              method: 'POST',
              path: `/invite/${token}/accept`,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: { kind: 'text', text: '_csrf=x' },
            },
            'web',
            404,
          );
        }
      });
    });

    test('every registered route has a fuzz plan and a generator for each parameter; every plan has a route', () => {
      const { planned, unplanned, stale } = planRoutes(world.routes);
      assert.deepEqual(unplanned, [], 'routes without a fuzz plan (add them to test/fuzz/route-plans.ts)');
      assert.deepEqual(stale, [], 'fuzz plans of routes that no longer exist');
      for (const route of planned) assert.doesNotThrow(() => requestArbitrary(route), route.key);
    });

    test(`never a 5xx, never a write on a 4xx, errors in each surface's format (FUZZ_SEED=${SEED}, FUZZ_RUNS=${FUZZ_RUNS})`, async (t) => {
      const { planned } = planRoutes(world.routes);
      const report = (name: string, tally: Map<string, number>) => {
        if (!STATS) return;
        const counts = [...tally].sort((a, b) => b[1] - a[1]).map(([label, count]) => `${count}× ${label}`);
        console.log(`${name}: ${counts.join(', ')}`);
      };
      for (const route of planned) {
        if (ONLY && !route.key.includes(ONLY)) continue;
        const tally = new Map<string, number>();
        await t.test(route.key, () => fuzz(world, route.key, requestArbitrary(route), route.plan.runs, tally));
        report(route.key, tally);
      }
      if (ONLY && !'requests no route was made for'.includes(ONLY)) return;
      const tally = new Map<string, number>();
      await t.test('requests no route was made for', () =>
        fuzz(world, 'requests no route was made for', strayRequestArbitrary(planned), STRAY_RUNS, tally),
      );
      report('requests no route was made for', tally);
    });

    test('a 5xx on every surface names its request id and says nothing internal (tables renamed away under the app)', async () => {
      const tables = ['organizations', 'api_clients', 'sessions', 'invitations', 'users'];
      const rename = (from: string, to: string) =>
        sql`alter table ${sql.table(from)} rename to ${sql.table(to)}`.execute(world.t.deps.db);
      const json = (value: unknown) => ({ kind: 'json' as const, value });
      const client = { authorization: 'Bearer {{token.orgA}}', 'content-type': 'application/json' };
      const requests: Array<[Partial<RequestSpec> & { path: string }, Surface]> = [
        [{ path: '/v1/organizations/{{orgA}}' }, 'native'],
        [
          {
            method: 'POST',
            path: '/v1/sessions',
            headers: { 'content-type': 'application/json' },
            body: json({ email: 'a@example.com', password: 'x' }),
          },
          'native',
        ],
        [
          {
            method: 'POST',
            path: '/oauth/token',
            headers: { authorization: 'Basic {{basic.valid}}', 'content-type': 'application/x-www-form-urlencoded' },
            body: { kind: 'text', text: 'grant_type=client_credentials' },
          },
          'oauth',
        ],
        [{ path: '/users/v1/invites' }, 'users-v1'],
        [
          {
            method: 'POST',
            path: '/users/v1/invites',
            headers: client,
            body: json({ roleId: '{{orgA.role.member}}', email: 'a@example.com' }),
          },
          'users-v1',
        ],
        [{ path: '/api/v1.0/external/tenant/availableroles' }, 'tenant'],
        [
          {
            method: 'POST',
            path: '/api/v1/organization/users/invite',
            headers: client,
            body: json({ emailAddresses: [{ email: 'a@example.com' }] }),
          },
          'native',
        ],
        [
          {
            method: 'POST',
            path: '/users-organizations/v1/ad/invite',
            headers: { ...client, 'x-session-token': '{{session.admin}}' },
            body: json({ firstName: 'A', lastName: 'B', email: 'a@example.com', permissions: { group: 0 } }),
          },
          'native',
        ],
        [{ path: '/invite/{{linkToken.pending}}', headers: {} }, 'web'],
      ];
      for (const table of tables) await rename(table, `${table}_gone`);
      try {
        for (const [spec, surface] of requests) {
          const request = await world.resolve({
            method: 'GET',
            query: '',
            headers: { authorization: 'Bearer {{token.orgA}}' },
            body: undefined,
            ...spec,
          });
          const response = await world.t.app.inject(request);
          const what = `${request.method} ${request.url}: ${clip(response.body, 300)}`;
          assert.equal(response.statusCode, 500, what);
          assert.equal(serverErrorProblem(response, String(request.method)), undefined, what);
          assert.equal(errorFormatProblem(surface, response, String(request.method)), undefined, what);
        }
      } finally {
        for (const table of tables) await rename(`${table}_gone`, table);
      }
    });
  });
}
