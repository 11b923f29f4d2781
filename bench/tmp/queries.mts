import { Kysely } from 'kysely';
import { loadConfig, parseDatabaseUrl } from '/work/main/src/config.js';
import { createDb } from '/work/main/src/db/create-db.js';
import { migrateToLatest } from '/work/main/src/db/migrate.js';
import { createServiceDeps } from '/work/main/src/deps.js';
import { buildApp } from '/work/main/src/app.js';
import { createOrganization } from '/work/main/src/modules/organizations/organization.service.js';
import { createClient } from '/work/main/src/modules/clients/client.service.js';
const url = `sqlite:/tmp/prof/q-${Date.now()}.db`;
const stats = new Map<string, { n: number; ms: number }>();
import Database from 'better-sqlite3';
const proto = (Database as any).prototype;
const origPrepare = proto.prepare;
proto.prepare = function (source: string) {
  const st = origPrepare.call(this, source);
  for (const m of ['run', 'all', 'get']) { const f = st[m].bind(st); st[m] = (...a: any[]) => { const t = performance.now(); try { return f(...a); } finally { const k = source.slice(0, 110); const s2 = stats.get(k) ?? { n: 0, ms: 0 }; s2.n++; s2.ms += performance.now() - t; stats.set(k, s2); } }; }
  return st;
};
// Wrap executor: time each compiled query

const handle = createDb(parseDatabaseUrl(url));
await migrateToLatest(handle.db);
const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
const deps = await createServiceDeps(config, handle);
const app = await buildApp({ deps, logger: false });
const { organization } = await createOrganization(deps, { name: 'Q', owner: { email: 'o@q.example' } });
const client = await createClient(deps, { organizationId: organization.id });
const tok = (await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret } })).json().access_token;
stats.clear();
const t0 = performance.now();
for (let i = 0; i < 2000; i++) {
  const r = await app.inject({ method: 'POST', url: `/v1/organizations/${organization.id}/invitations`, headers: { authorization: `Bearer ${tok}` }, payload: { email: `q${i}@x.example` } });
  if (r.statusCode !== 201) throw new Error(r.body);
}
const total = performance.now() - t0;
console.log('per request ms', (total / 2000).toFixed(3));
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log((s.ms / 2000).toFixed(4), 'ms/req', s.n, k);
