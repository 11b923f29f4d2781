import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './test-app.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** A `tessera` command running as a real process (from the TypeScript sources, through tsx). */
export interface TesseraProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything it wrote so far (logs are JSON lines on stdout). */
  output(): string;
  /** Whether it is still running. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | NodeJS.Signals | null>;
  /** SIGKILL: no shutdown, no cleanup, like a machine that lost power. */
  kill(): Promise<void>;
}

export interface TesseraServer extends TesseraProcess {
  base: string;
}

function run(args: string[], env: Record<string, string>): TesseraProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', SEED_DEMO: 'false', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals | null);
  return {
    child,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** One `tessera` command, run to its end (from the TypeScript sources, through tsx). */
export function runCli(
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `tessera serve` on a free port of 127.0.0.1, once /readyz answers 200. */
export async function startTesseraServer(env: Record<string, string>, timeoutMs = 60_000): Promise<TesseraServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = run(['serve'], { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, ...env });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!started.alive()) throw new Error(`tessera serve exited: ${started.output()}`);
    if (
      await fetch(`${base}/readyz`).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await started.kill();
      throw new Error(`tessera serve did not become ready: ${started.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ...started, base };
}

/** `tessera worker`: delivers the outbox until stopped or killed. */
export function startTesseraWorker(env: Record<string, string>): TesseraProcess {
  return run(['worker'], env);
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs` (generous: a deadline, not a timing). */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
