// Dependency rules for src/ (`npm run deps`; `npm test` runs it too). Two things are checked:
//   1. no import cycle, type-only imports included;
//   2. dependencies point down: a module imports from its own layer or a lower one, never a higher one.
// The layers are written down once, in LAYERS below; the layer rules are generated from that list.

/**
 * The layers of src/, highest first. A file belongs to the FIRST layer in this list with a path that matches it
 * (so `src/auth/token.routes.ts` is an adapter although layer 5 lists all of `src/auth/`), and may import from its
 * own layer and every layer after it. Paths are regular expressions over the path from the repository root.
 */
const LAYERS = [
  {
    name: 'entry',
    // 1. Entry points: the process (server, CLI, demo data) and the composition of the HTTP app from everything below.
    path: ['^src/(server|cli|cli-support|cli-webhooks|app|demo)\\.ts$'],
  },
  {
    name: 'adapters',
    // 2. Adapters over HTTP: routes, the alternative invite surfaces, the HTML pages, ops endpoints and metrics; the
    //    request/response schemas of each module; the context route modules receive from buildApp (app-context.ts);
    //    and the one piece of src/http/ that works on requests and replies of protected routes (idempotency.ts).
    path: [
      '^src/(surfaces|web|ops)/',
      '^src/app-context\\.ts$',
      '^src/modules/.+\\.(routes|schemas)\\.ts$',
      '^src/auth/token\\.routes\\.ts$',
      '^src/http/idempotency\\.ts$',
    ],
  },
  {
    name: 'services',
    // 3. Services: the rules and transactions of each module (everything in src/modules/ that is not a route,
    //    schema, repository or table), and the parts of src/auth/ that decide who is calling and what they may do by
    //    reading stored state: principal resolution (sessions), access tokens (which check the client is active),
    //    the active-client cache, and organization authorization (memberships, organizations).
    path: [
      '^src/modules/(?!.+\\.(repository|table)\\.ts$)',
      '^src/auth/(authorize|principal|access-tokens|active-clients)\\.ts$',
    ],
  },
  {
    name: 'repositories',
    // 4. Repositories: the SQL of each module, over the tables below.
    path: ['^src/modules/.+\\.repository\\.ts$'],
  },
  {
    name: 'infrastructure',
    // 5. Infrastructure shared by all: the database (connection, dialects, migrations, and every table's row type,
    //    which db/database.ts assembles into the schema), HTTP errors, schemas and plumbing, rate limits, mail, the languages (catalogs and formatting), the
    //    auth primitives (secrets, random bytes, permissions, password policy, app secrets, signing keys), config,
    //    clock, and the ServiceDeps every service receives (deps.ts).
    path: [
      '^src/(db|http|limits|email|auth|i18n)/',
      '^src/modules/.+\\.table\\.ts$',
      '^src/(config|config\\.values|clock|deps)\\.ts$',
    ],
  },
];

/**
 * Imports a layer rule lets through. Each says why; keep this list short.
 */
const EXCEPTIONS = [
  {
    from: '^src/deps\\.ts$',
    toLayer: 'repositories',
    // deps.ts is two things: the ServiceDeps type (infrastructure: every layer receives it) and createServiceDeps, the
    // wiring that builds it. The wiring hands the pending-invitations cap its counter (countOpenPendingInvitations),
    // which is a repository query. deps.ts may therefore import repositories, and nothing else above it.
    because: 'createServiceDeps wires the pending-invitations cap to its repository query',
  },
];

const layerRules = [];
LAYERS.forEach((lower, low) => {
  LAYERS.slice(0, low).forEach((higher, high) => {
    const exceptions = EXCEPTIONS.filter((exception) => exception.toLayer === higher.name);
    layerRules.push({
      name: `layer-${low + 1}-${lower.name}-imports-layer-${high + 1}-${higher.name}`,
      comment:
        `A module in layer ${low + 1} (${lower.name}) imports from layer ${high + 1} (${higher.name}), which is ` +
        'above it: dependencies point down (see LAYERS in .dependency-cruiser.cjs).' +
        exceptions.map((exception) => ` Allowed: ${exception.from} (${exception.because}).`).join(''),
      severity: 'error',
      from: {
        path: lower.path,
        pathNot: [...LAYERS.slice(0, low).flatMap((layer) => layer.path), ...exceptions.map((e) => e.from)],
      },
      to: {
        path: higher.path,
        pathNot: LAYERS.slice(0, high).flatMap((layer) => layer.path),
      },
    });
  });
});

const everyLayer = LAYERS.flatMap((layer) => layer.path);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'An import cycle, type-only imports included: break it by moving what both sides need into the lower one ' +
        '(or a new file below both).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'limits-independent-of-modules-and-auth',
      comment:
        'src/limits/ counts and caps; what it counts is handed to it (deps.ts passes the pending counter). It imports ' +
        'nothing from src/modules/ or src/auth/.',
      severity: 'error',
      from: { path: '^src/limits/' },
      to: { path: '^src/(modules|auth)/' },
    },
    {
      name: 'not-in-a-layer',
      comment: 'Every file in src/ belongs to a layer: add its path to LAYERS in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^src/', pathNot: everyLayer },
      to: {},
    },
    {
      name: 'imports-a-file-not-in-a-layer',
      comment: 'Every file in src/ belongs to a layer: add its path to LAYERS in .dependency-cruiser.cjs.',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: everyLayer },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that does not resolve to a file: the rules above would not see it (a .js specifier must have ' +
        'its .ts file).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Keep `import type` edges: a type-only import is a dependency too, for cycles and for layers.
    tsPreCompilationDeps: true,
    // NodeNext: `.js` specifiers name `.ts` files; the compiler options come from the project's tsconfig.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
