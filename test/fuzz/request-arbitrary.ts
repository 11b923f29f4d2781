import fc from 'fast-check';
import { anyText, contentTypes, headerText, hugeText, rawJsonText } from './edge-values.js';
import { encodeText, type BodySpec, type RequestSpec } from './fuzz-world.js';
import type { BodyEncoding, Callers, FuzzRoute } from './route-plans.js';
import { fuzzValue, type FieldHints, type JsonSchema } from './schema-arbitrary.js';

/**
 * Requests for one route: its path parameters, query, headers and body, each generated from the
 * route's schema and plan. Most requests are well-formed enough to reach validation and the
 * service as a legitimate caller; the rest are wrong in every way a client can be wrong.
 * Fixtures are named by placeholders (see fuzz-world.ts).
 */

const weighted = <T>(...entries: Array<[number, fc.Arbitrary<T>]>) =>
  fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const one = <T>(...values: T[]) => fc.constantFrom(...values);

const newEmail = fc.uuid({ version: 4 }).map((id) => `fuzz-${id.slice(0, 13)}@example.com`);
const lowerUuid = fc.uuid({ version: 4 });

/** Realistic values for the fields of Tessera's bodies and queries, by name. */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  email: weighted<string>(
    [6, newEmail],
    [2, one('{{email.pending}}', '{{email.member}}', '{{email.owner}}', 'FUZZ-PENDING@Example.COM')],
    [
      2,
      one(
        'jürgen@bücher.example',
        'user@xn--bcher-kva.example',
        "o'brien+tag@example.co.uk",
        'fuzz-раз@example.com',
        'x@ex-ample.io',
      ),
    ],
    [1, fc.emailAddress()],
  ),
  roleId: weighted<string>(
    [
      5,
      one(
        '{{orgA.role.member}}',
        '{{orgA.role.viewer}}',
        '{{orgA.role.admin}}',
        '{{orgA.role.owner}}',
        '{{orgA.role.custom}}',
      ),
    ],
    [1, one('{{orgB.role.member}}')],
    [1, lowerUuid],
    [1, lowerUuid.map((id) => id.toUpperCase())],
  ),
  roleName: one('Member', 'Viewer', 'administrator', 'OWNER', 'Auditor', ' Member ', 'Pope', 'member\u0000', 'Ｍember'),
  firstName: weighted<string>(
    [3, one('Ada', 'Zoë', "O'Brien", '李', 'Jean-Luc')],
    [1, fc.string({ minLength: 1, maxLength: 20 })],
  ),
  lastName: weighted<string>(
    [3, one('Lovelace', 'Ñúñez', 'van der Berg')],
    [1, fc.string({ minLength: 1, maxLength: 20 })],
  ),
  // A password that passes the policy costs a scrypt hash wherever it is used: rarer.
  password: weighted<string>(
    [2, one('Fuzz-passw0rd!', 'Ünïcödé-Pässw0rd')],
    [3, one('short', 'alllowercase1!', 'NOLOWER1!', 'NoDigits!!', 'NoSpecial11', '')],
    [1, anyText],
  ),
  token: weighted<string>(
    [5, one('{{linkToken.live}}')],
    [2, one('{{linkToken.dead}}', '{{linkToken.pending}}')],
    [2, fc.base64String({ minLength: 40, maxLength: 48 })],
  ),
  cursor: weighted<string>(
    [4, one('{{cursor.invitations}}', '{{cursor.members}}')],
    [2, one('{{cursor.usersV1}}', 'eyJvIjoiIn0.AAAA', 'x.y', 'x.y.z', '.', '..')],
    [1, anyText],
  ),
  nextPageStartKey: weighted<string>(
    [4, one('{{cursor.usersV1}}', '{{cursor.invitations}}')],
    [2, one('eyJvIjoiIn0.AAAA', 'a.b', '')],
    [1, anyText],
  ),
  inviterUserId: one(
    '{{orgA.owner}}',
    '{{orgA.admin}}',
    '{{orgA.member}}',
    '{{orgB.owner}}',
    '00000000-0000-4000-8000-000000000000',
  ),
  redirectUrl: one(
    'http://localhost:3000/welcome',
    'http://localhost:3000/',
    'https://evil.example/',
    'javascript:alert(1)',
    '//evil.example',
    'http://localhost:3000@evil.example/',
    'http://LOCALHOST:3000/x',
    'data:text/html,hi',
  ),
  slug: weighted<string>(
    [3, fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}[a-z0-9]$/)],
    [1, one('{{orgA.slug}}', 'a', '-a', 'A', 'a'.repeat(64), 'a'.repeat(65))],
  ),
  name: weighted<string>(
    [3, fc.string({ minLength: 1, maxLength: 30 })],
    [1, one('Auditor', 'member', 'OWNER', 'Fuzz A')],
  ),
  description: fc.string({ maxLength: 60 }),
  grant_type: weighted<string>(
    [5, one('client_credentials')],
    [1, one('password', 'authorization_code', 'CLIENT_CREDENTIALS', '')],
  ),
  client_id: weighted<string>([4, one('{{client.id}}')], [1, one('cli_unknown', '')], [1, anyText]),
  client_secret: weighted<string>([4, one('{{client.secret}}')], [1, one('sec_wrong', '')], [1, anyText]),
  scope: one(
    'invitations:read',
    'invitations:read invitations:manage',
    'organizations:create',
    '',
    ' ',
    'invitations:read  roles:read',
  ),
  _csrf: weighted<string>([8, one('{{csrf}}')], [1, one('', 'forged')], [1, anyText]),
  'idempotency-key': weighted<string>(
    [4, fc.uuid().map((id) => `fuzz-${id}`)],
    [2, one('fuzz-reused-key')],
    [2, headerText],
  ),
  'x-session-token': weighted<string>(
    [6, one('{{session.admin}}', '{{session.owner}}')],
    [2, one('{{session.member}}', '{{session.revoked}}', '{{session.orgB}}')],
    [1, headerText],
  ),
};

const hints: FieldHints = {
  value: (name) => HINTS[name],
  usuallyPresent: new Set(['_csrf', 'grant_type', 'token']),
};

// ---------------------------------------------------------------------------------------------
// Who calls

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Authorization headers that are wrong: missing, malformed, tampered, revoked, of another kind. */
const badAuthorization: fc.Arbitrary<Record<string, string>> = weighted<Record<string, string>>(
  [3, fc.constant({})],
  [
    4,
    one(
      '',
      'Bearer',
      'Bearer ',
      'bearer {{token.orgA}}',
      'Bearer  {{token.orgA}}',
      'Bearer {{token.orgA}} extra',
      'Bearer {{token.orgA}},Bearer {{token.orgB}}',
      'Bearer {{token.tampered}}',
      'Bearer {{session.revoked}}',
      'Basic {{basic.valid}}',
      'Token {{token.orgA}}',
      'Bearer ses_',
      'Bearer ses_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'Bearer a.b.c',
      'Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4IiwiY2xpZW50X2lkIjoieCJ9.',
      'Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6e30sInR5cCI6ImF0K2p3dCJ9.e30.AAAA',
      'Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6WzFdfQ.e30.AAAA',
    ).map((value) => ({ authorization: value })),
  ],
  [2, headerText.map((value) => ({ authorization: `Bearer ${value}` }))],
  [1, hugeText().map((value) => ({ authorization: `Bearer ${value.replace(/[^\x21-\x7e]/g, 'x')}` }))],
);

const CALLERS: Record<Callers, fc.Arbitrary<Record<string, string>>> = {
  anyone: weighted(
    [6, fc.constant({})],
    [1, fc.constant(bearer('{{token.orgA}}'))],
    [1, fc.constant(bearer('{{session.member}}'))],
    [2, badAuthorization],
  ),
  native: weighted(
    [6, fc.constant(bearer('{{token.orgA}}'))],
    [2, one(bearer('{{session.owner}}'), bearer('{{session.admin}}'))],
    [
      1,
      one(
        bearer('{{token.platform}}'),
        bearer('{{session.member}}'),
        bearer('{{session.viewer}}'),
        bearer('{{token.orgB}}'),
        bearer('{{session.orgB}}'),
      ),
    ],
    [2, badAuthorization],
  ),
  platform: weighted(
    [6, fc.constant(bearer('{{token.platform}}'))],
    [1, one(bearer('{{token.orgA}}'), bearer('{{session.owner}}'))],
    [2, badAuthorization],
  ),
  session: weighted(
    [6, fc.constant(bearer('{{session.fresh}}'))],
    [1, one(bearer('{{token.orgA}}'), bearer('{{session.revoked}}'))],
    [2, badAuthorization],
  ),
  'organization-client': weighted(
    [8, fc.constant(bearer('{{token.orgA}}'))],
    [
      1,
      one(
        bearer('{{token.platform}}'),
        bearer('{{token.noOwner}}'),
        bearer('{{session.owner}}'),
        bearer('{{token.orgB}}'),
      ),
    ],
    [2, badAuthorization],
  ),
  'admin-or-client': weighted(
    [4, fc.constant(bearer('{{token.orgA}}'))],
    [4, one(bearer('{{session.owner}}'), bearer('{{session.admin}}'))],
    [
      1,
      one(
        bearer('{{session.member}}'),
        bearer('{{session.viewer}}'),
        bearer('{{token.platform}}'),
        bearer('{{session.orgB}}'),
      ),
    ],
    [2, badAuthorization],
  ),
  'client-and-session': weighted(
    [7, fc.constant(bearer('{{token.orgA}}'))],
    [1, one(bearer('{{token.orgB}}'), bearer('{{token.platform}}'), bearer('{{session.admin}}'))],
    [2, badAuthorization],
  ),
  'oauth-client': weighted(
    [3, fc.constant({})],
    [4, one({ authorization: 'Basic {{basic.valid}}' })],
    [
      1,
      one(
        { authorization: 'Basic Y2xpX3Vua25vd246c2VjX3dyb25n' },
        { authorization: 'Basic %%%' },
        { authorization: 'Basic Og==' },
        { authorization: 'basic {{basic.valid}}' },
      ),
    ],
    [1, badAuthorization],
  ),
  browser: weighted(
    [8, fc.constant({ cookie: '{{csrfCookie}}' })],
    // Signing out revokes the session in the cookie: a fresh one, never a fixture's.
    [
      2,
      one(
        { cookie: '{{csrfCookie}}; tessera_session={{session.fresh}}' },
        { cookie: '{{csrfCookie}}; tessera_session={{session.revoked}}' },
      ),
    ],
    [
      1,
      one<Record<string, string>>(
        {},
        { cookie: 'tessera_csrf=forged' },
        { cookie: 'tessera_session=%E0%A4%A; tessera_csrf=%zz' },
        { cookie: '{{csrfCookie}}; {{csrfCookie}}' },
      ),
    ],
    [1, headerText.map((value) => ({ cookie: value }))],
  ),
};

// ---------------------------------------------------------------------------------------------
// Path parameters

/** Path segments no id or token has: not UUIDs, upper case, undecodable, traversal, far too long. */
const badSegment: fc.Arbitrary<string> = weighted<string>(
  [3, anyText.filter((text) => text.length > 0).map(encodeText)],
  [
    2,
    one(
      'not-a-uuid',
      'urn:uuid:{{orgA}}',
      '%E0%A4%A',
      '%',
      '%zz',
      '%00',
      '..',
      '%2e%2e',
      '%2F',
      '{{orgA}}%00',
      '{{orgA}}%20',
      'x'.repeat(600),
      'ab%C0%AF',
      '%uD800',
    ),
  ],
  [1, lowerUuid.map((id) => id.toUpperCase())],
);

const PARAMS: Record<string, fc.Arbitrary<string>> = {
  orgId: weighted<string>(
    [10, fc.constant('{{orgA}}')],
    [1, one('{{orgB}}', '{{orgNoOwner}}')],
    [1, lowerUuid],
    [2, badSegment],
  ),
  invitationId: weighted<string>(
    [6, fc.constant('{{orgA.invitation.pending}}')],
    [2, one('{{orgA.invitation.revoked}}', '{{orgB.invitation}}')],
    [1, lowerUuid],
    [2, badSegment],
  ),
  // Members made for the request: a removal or a change of role must not take a fixture's session away.
  userId: weighted<string>(
    [6, fc.constant('{{orgA.newMember}}')],
    [1, one('{{orgB.owner}}')],
    [1, lowerUuid],
    [2, badSegment],
  ),
  // No fixture endpoint: ids that exist nowhere, and malformed ones.
  endpointId: weighted<string>([3, lowerUuid], [2, badSegment]),
  deliveryId: weighted<string>([3, lowerUuid], [2, badSegment]),
  token: weighted<string>(
    [6, fc.constant('{{linkToken.live}}')],
    [2, one('{{linkToken.dead}}', '{{linkToken.pending}}')],
    [1, fc.base64String({ minLength: 40, maxLength: 48 }).map(encodeText)],
    [2, badSegment],
  ),
  // The documentation's static files: names that exist, and ways out of the folder.
  '*': weighted<string>(
    [2, one('index.html', 'swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'logo.svg')],
    [
      2,
      one(
        '../../package.json',
        '..%2f..%2fpackage.json',
        '%2e%2e/%2e%2e/package.json',
        '....//....//etc/passwd',
        '.env',
        'x/../../../../etc/passwd',
      ),
    ],
    [2, badSegment],
  ),
};

/** The route's path with a value for each parameter, or the names it has no generator for. */
export function pathArbitrary(url: string): fc.Arbitrary<string> | { missing: string[] } {
  const names = [...url.matchAll(/:([A-Za-z]+)|\*/g)].map((match) => match[1] ?? '*');
  const missing = names.filter((name) => !PARAMS[name]);
  if (missing.length > 0) return { missing };
  if (names.length === 0) return fc.constant(url);
  return fc.tuple(...names.map((name) => PARAMS[name]!)).map((values) => {
    let index = 0;
    return url.replace(/:([A-Za-z]+)|\*/g, () => values[index++]!);
  });
}

// ---------------------------------------------------------------------------------------------
// Query, headers, body

function queryPairs(value: unknown): Array<[string, string]> {
  if (value === undefined) return [];
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return [['q', typeof value === 'string' ? value : (JSON.stringify(value) ?? '')]];
  return Object.entries(value).flatMap(([key, inner]) =>
    (Array.isArray(inner) ? inner : [inner]).map((item): [string, string] => [
      key,
      typeof item === 'string' ? item : (JSON.stringify(item) ?? ''),
    ]),
  );
}

/** Additions to any query string: repeated, undecodable, polluting and very long parameters. */
const queryNoise: fc.Arbitrary<string> = one(
  'limit=1&limit=2',
  'limit=',
  'limit=1e400',
  'limit=-1',
  'limit=0x10',
  'status=PENDING&status=REVOKED',
  'order=ASC',
  '__proto__=1',
  'constructor[prototype][polluted]=1',
  '__proto__[polluted]=1',
  'email=%E0%A4%A',
  'email=%00',
  'cursor=%zz',
  '%zz=1',
  '&&&',
  '=',
  `${'a'.repeat(5000)}=1`,
  `roleId=${'A'.repeat(36)}`,
);

/** Percent-encoded, but with its placeholders left as they are, to be resolved (fixture values need no encoding). */
function encodeQueryText(text: string): string {
  return encodeText(text).replace(/%7B%7B([A-Za-z.]+)%7D%7D/g, '{{$1}}');
}

function queryArbitrary(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const generated = schema
    ? fuzzValue(schema, hints).map((value) =>
        queryPairs(value)
          .map(([key, item]) => `${encodeQueryText(key)}=${encodeQueryText(item)}`)
          .join('&'),
      )
    : fc.constant('');
  return fc
    .tuple(generated, weighted([4, fc.constant('')], [1, queryNoise]))
    .map(([query, noise]) => [query, noise].filter(Boolean).join('&'));
}

function headerArbitrary(schema: JsonSchema | undefined, callers: Callers): fc.Arbitrary<Record<string, string>> {
  const declared = Object.keys(schema?.properties ?? {});
  const own = fc.record(
    Object.fromEntries(declared.map((name) => [name, (HINTS[name] ?? headerText) as fc.Arbitrary<string>])),
    {
      requiredKeys: callers === 'client-and-session' ? ['x-session-token'] : [],
    },
  );
  const extra = fc.record(
    {
      'x-organization-id': weighted<string>([3, one('{{orgA}}', '{{orgB}}')], [1, headerText]),
      'x-forwarded-for': one('203.0.113.7', '::1', 'unknown', '1.1.1.1, 2.2.2.2', ''),
      accept: one('*/*', 'text/html', 'application/xml', 'application/problem+json', ''),
      'accept-language': headerText,
      'x-request-id': headerText,
      'idempotency-key': HINTS['idempotency-key'] as fc.Arbitrary<string>,
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(CALLERS[callers], own, fc.option(extra, { freq: 3, nil: {} }))
    .map(([auth, declaredHeaders, extras]) => ({
      ...extras,
      ...auth,
      ...declaredHeaders,
    }));
}

/** How a valid body travels for this route. */
function encodingFor(encoding: BodyEncoding): fc.Arbitrary<'json' | 'form'> {
  return encoding === 'json-or-form' ? one('json', 'form') : fc.constant(encoding);
}

function contentTypeOf(kind: 'json' | 'form'): string {
  return kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
}

/** The body and its content type: mostly as the route expects, sometimes raw JSON text, another type, or huge. */
function bodyArbitrary(
  schema: JsonSchema | undefined,
  encoding: BodyEncoding | undefined,
): fc.Arbitrary<{ body: BodySpec | undefined; contentType: string | undefined }> {
  const expected = encoding ?? 'json';
  const value = schema ? fuzzValue(schema, hints) : fc.constant(undefined);
  const shaped = fc.tuple(encodingFor(expected), value).map(([kind, v]) => ({
    body: v === undefined ? undefined : ({ kind, value: v } as BodySpec),
    contentType: v === undefined ? undefined : contentTypeOf(kind),
  }));
  const raw = fc
    .tuple(rawJsonText, fc.oneof(fc.constant('application/json'), contentTypes))
    .map(([text, contentType]) => ({
      body: { kind: 'text', text } as BodySpec,
      contentType,
    }));
  const mislabelled = fc.tuple(value, contentTypes).map(([v, contentType]) => ({
    body: { kind: 'json', value: v ?? {} } as BodySpec,
    contentType,
  }));
  // Just over the 1 MiB body limit.
  const oversized = fc.constant({
    body: { kind: 'text', text: `{"email":"${'x'.repeat(1024 * 1024)}"}` } as BodySpec,
    contentType: 'application/json',
  });
  const none = fc.constant({ body: undefined, contentType: undefined });
  const noBodyExpected = schema === undefined;
  return weighted(
    [noBodyExpected ? 20 : 150, shaped],
    [25, raw],
    [15, mislabelled],
    [noBodyExpected ? 60 : 10, none],
    [5, fc.constant({ body: undefined, contentType: 'application/json' })],
    [1, oversized],
  );
}

/**
 * A client authenticating with HTTP Basic seldom repeats its credentials in the body (that is an
 * invalid_request, and would be most of what the token endpoint sees): usually they go.
 */
function credentialsInOnePlace(spec: RequestSpec, coin: number): RequestSpec {
  const body = spec.body;
  if (
    !/^basic /i.test(spec.headers.authorization ?? '') ||
    coin === 0 ||
    body?.kind === 'text' ||
    !body?.value ||
    typeof body.value !== 'object'
  ) {
    return spec;
  }
  const { client_id: _id, client_secret: _secret, ...rest } = body.value as Record<string, unknown>;
  return { ...spec, body: { ...body, value: rest } };
}

/** Requests for the route: method and path, query, headers and body. */
export function requestArbitrary(route: FuzzRoute): fc.Arbitrary<RequestSpec> {
  const path = pathArbitrary(route.url);
  if ('missing' in path) throw new Error(`${route.key}: no generator for path parameter ${path.missing.join(', ')}`);
  const schema = route.schema as { body?: JsonSchema; querystring?: JsonSchema; headers?: JsonSchema };
  const hasBody = route.method !== 'GET' && route.method !== 'HEAD';
  return fc
    .record({
      path,
      query: queryArbitrary(schema.querystring),
      headers: headerArbitrary(schema.headers, route.plan.callers),
      body: hasBody
        ? bodyArbitrary(schema.body, route.plan.body)
        : fc.constant({ body: undefined, contentType: undefined }),
      coin: fc.nat(4),
    })
    .map(({ path: p, query, headers, body, coin }) => {
      const spec: RequestSpec = {
        method: route.method,
        path: p,
        query,
        headers: { ...headers, ...(body.contentType === undefined ? {} : { 'content-type': body.contentType }) },
        body: body.body,
      };
      return route.plan.callers === 'oauth-client' ? credentialsInOnePlace(spec, coin) : spec;
    });
}

/** A route's path with placeholder values for its parameters: a path that exists. */
function examplePath(url: string): string {
  return url
    .replace(':orgId', '{{orgA}}')
    .replace(':invitationId', '{{orgA.invitation.revoked}}')
    .replace(':userId', '{{orgB.owner}}')
    .replace(':endpointId', '00000000-0000-4000-8000-000000000000')
    .replace(':deliveryId', '00000000-0000-4000-8000-000000000001')
    .replace(':token', '{{linkToken.dead}}')
    .replace('*', 'index.html');
}

/**
 * Requests no route was made for: other methods on existing paths, and paths next to existing
 * ones (an extra or a missing segment, another case, doubled or trailing slashes). They must get
 * the app-wide 404 (or another 4xx), with nothing written.
 */
export function strayRequestArbitrary(routes: FuzzRoute[]): fc.Arbitrary<RequestSpec> {
  const paths = [...new Set(routes.map((route) => examplePath(route.url)))];
  const nearby = fc.tuple(fc.constantFrom(...paths), fc.nat(7), badSegment).map(([path, how, segment]) => {
    switch (how) {
      case 0:
        return `${path}/${segment}`;
      case 1:
        return `${path}/`;
      case 2:
        return path.replace(/\/[^/]*$/, '') || '/';
      case 3:
        return path.toUpperCase();
      case 4:
        // Not at the start: light-my-request reads `//x` as a host (a real client's request line would not).
        return path.replace(/\/([^/]*)$/, '//$1');
      case 5:
        return `${path}/accept`;
      default:
        return path;
    }
  });
  const elsewhere = one(
    '/',
    '/.env',
    '/v2/organizations',
    '/v1',
    '/api',
    '/main',
    '/invite',
    '/invite/',
    '/%',
    '/%2F',
    '/docs/static/',
    '/oauth',
    '/users/v1/invites/x',
  );
  return fc
    .record({
      method: one('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      path: weighted<string>([4, nearby], [1, elsewhere]),
      query: weighted([4, fc.constant('')], [1, queryNoise]),
      headers: headerArbitrary(undefined, 'native'),
      body: bodyArbitrary(undefined, 'json'),
    })
    .map(({ method, path, query, headers, body }) => ({
      method,
      path,
      query,
      headers: {
        ...headers,
        ...(body.contentType === undefined || method === 'GET' || method === 'HEAD'
          ? {}
          : { 'content-type': body.contentType }),
      },
      body: method === 'GET' || method === 'HEAD' ? undefined : body.body,
    }));
}
