#!/usr/bin/env node
// `npm test`: lint and format check, dependency rules, type-check, then every test file under test/ with Node's test
// runner. Integration tests run on SQLite, and on PostgreSQL too when TEST_POSTGRES_URL is set (.ci/run sets it).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const files = only.length
  ? only
  : readdirSync(join(root, 'test'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.test.ts'))
      .sort()
      .map((file) => join('test', file));

const postgres = process.env.TEST_POSTGRES_URL;
const banner = postgres
  ? `Databases: SQLite and PostgreSQL (${postgres.replace(/\/\/[^@/]*@/, '//***@')})`
  : [
      '!'.repeat(78),
      '!!  PostgreSQL is NOT configured: these tests run on SQLite ONLY.',
      '!!  Set TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test to run both.',
      '!'.repeat(78),
    ].join('\n');
console.log(banner);

if (!only.length) {
  // Lint and format (biome.json): a file not formatted, or a rule broken, fails the run.
  const lint = spawnSync('npx', ['biome', 'ci', '--error-on-warnings', '.'], { cwd: root, stdio: 'inherit' });
  if (lint.status !== 0) process.exit(lint.status ?? 1);
  // Dependency rules (.dependency-cruiser.cjs, `npm run deps`): no import cycle, type-only imports included, and no
  // import from a lower layer of src/ to a higher one. A violation prints its rule and both files.
  const deps = spawnSync('npm', ['run', '--silent', 'deps'], { cwd: root, stdio: 'inherit' });
  if (deps.status !== 0) process.exit(deps.status ?? 1);
  const typecheck = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
  if (typecheck.status !== 0) process.exit(typecheck.status ?? 1);
  // The shipped command (bin/tessera.cjs) runs dist/: build it, so that its test runs this code.
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { cwd: root, stdio: 'inherit' },
);
if (!postgres) console.log(`\n${banner}`);
process.exit(result.status ?? 1);
