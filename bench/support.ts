/**
 * What the benchmark (bench/run.ts) and the soak (bench/soak.ts) share: a database of their own,
 * Tessera's processes, an SMTP server that counts what it receives by Message-ID, and the
 * benchmark's table rows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from 'autocannon';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.js';
import { parseDatabaseUrl } from '../src/config.values.js';
import { createDb, type DatabaseHandle } from '../src/db/create-db.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createServiceDeps, type ServiceDeps } from '../src/deps.js';

export const ROOT = new URL('..', import.meta.url).pathname;

export function logger(prefix: string): (message: string) => void {
  return (message) => process.stderr.write(`[${prefix}] ${message}\n`);
}

/** A line of the benchmark's table. */
export interface Row {
  figure: string;
  tessera: string;
  reference: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

/** An autocannon result in a table cell. */
export function summary(result: Result): string {
  return `${Math.round(result.requests.average).toLocaleString('en-US')} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`;
}

/** A figure counts only if every request succeeded. */
export function assertClean(name: string, result: Result): void {
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
}

/** Child processes started here; whoever exits last kills those still running (see killChildren). */
const children: ChildProcess[] = [];

/** A process from the project folder; its stderr goes to ours, its stdout is piped (and must be read or ignored). */
export function startChild(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk) => process.stderr.write(chunk));
  children.push(child);
  return child;
}

export function killChildren(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

export async function waitForHttp(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Peak resident memory of a process (Linux VmHWM), in MB. */
export function peakMemoryMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export interface Setup {
  handle: DatabaseHandle;
  deps: ServiceDeps;
  databaseUrl: string;
  cleanup: () => Promise<void>;
}

/**
 * A migrated database of the run's own: a PostgreSQL schema at `pgUrl` (dropped afterwards), or
 * a SQLite file in a temporary folder (removed afterwards).
 */
export async function setupDatabase(options: { postgres: boolean; pgUrl: string; prefix: string }): Promise<Setup> {
  if (options.postgres) {
    const schema = `${options.prefix}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: options.pgUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const url = new URL(options.pgUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    // No query timeout: seeding a million invitations is one statement of a minute or more.
    const handle = createDb(parseDatabaseUrl(url.toString(), 10, 0));
    await migrateToLatest(handle.db);
    const deps = await createServiceDeps(loadConfig({ DATABASE_URL: url.toString() }), handle);
    return {
      handle,
      deps,
      databaseUrl: url.toString(),
      cleanup: async () => {
        await handle.close();
        const client = new pg.Client({ connectionString: options.pgUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `${options.prefix.replace(/_/g, '-')}-`));
  const url = `sqlite:${join(dir, 'tessera.db')}`;
  const handle = createDb(parseDatabaseUrl(url));
  await migrateToLatest(handle.db);
  const deps = await createServiceDeps(loadConfig({ DATABASE_URL: url, DATA_DIR: dir }), handle);
  return {
    handle,
    deps,
    databaseUrl: url,
    cleanup: async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CountingSmtpSink {
  port: number;
  /** Copies received, by Message-ID (`<…>`). */
  received: Map<string, number>;
  /** performance.now() of the first and the latest message. */
  first: number;
  last: number;
  total(): number;
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 that accepts everything and counts it by Message-ID, reading only the head. */
export async function startCountingSmtpSink(): Promise<CountingSmtpSink> {
  const sink: CountingSmtpSink = {
    port: 0,
    received: new Map(),
    first: 0,
    last: 0,
    total: () => [...sink.received.values()].reduce((a, b) => a + b, 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Pooled clients stay connected; closing should not wait the default 30 s for them.
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? `unknown-${sink.received.size}`;
        sink.received.set(id, (sink.received.get(id) ?? 0) + 1);
        sink.last = performance.now();
        sink.first ||= sink.last;
        callback();
      });
    },
  });
  // A client that goes away mid-message is reported as an 'error' event; it must not end the run.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  return sink;
}
