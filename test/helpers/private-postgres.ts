import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './test-app.js';

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary folder, on a free port of
 * 127.0.0.1), for tests that stop and restart the server: the machine's shared PostgreSQL serves
 * other tests at the same time and must never be restarted.
 *
 * PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` OS user. Without
 * the binaries (or that user) the fault tests are skipped, loudly, outside CI and fail in CI.
 */
const OS_USER = 'postgres';

function findBinDir(): string | undefined {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry) && existsSync(join(root, entry, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

const BIN_DIR = findBinDir();
const RUNNING_AS_ROOT = process.getuid?.() === 0;

function osUserIds(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${OS_USER}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function whatIsMissing(): string | false {
  if (!BIN_DIR || !existsSync(join(BIN_DIR, 'pg_ctl'))) {
    return 'PostgreSQL server binaries (initdb, pg_ctl) are not installed';
  }
  if (RUNNING_AS_ROOT && !osUserIds()) {
    return `there is no "${OS_USER}" OS user to run a private PostgreSQL as (PostgreSQL refuses root)`;
  }
  return false;
}

const missing = whatIsMissing();
/** Why the tests that restart PostgreSQL cannot run here (a `skip` reason), or false. */
export const PRIVATE_POSTGRES_MISSING = missing && `${missing}: PostgreSQL restart tests skipped`;

if (missing && process.env.CI) throw new Error(`${missing}: CI must run the PostgreSQL restart tests`);
if (PRIVATE_POSTGRES_MISSING) console.warn(`\n!!!!  ${PRIVATE_POSTGRES_MISSING}  !!!!\n`);

/** Clusters still running, stopped if the test process exits without cleaning up. */
const running = new Set<PrivatePostgres>();
process.once('exit', () => {
  for (const cluster of running) cluster.destroySync();
});

export class PrivatePostgres {
  private constructor(
    readonly directory: string,
    readonly port: number,
  ) {}

  get dataDirectory(): string {
    return join(this.directory, 'data');
  }

  /** Superuser `postgres`, no password (trust), database `postgres`. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A new cluster, initialized and started. */
  static async create(): Promise<PrivatePostgres> {
    if (PRIVATE_POSTGRES_MISSING) throw new Error(PRIVATE_POSTGRES_MISSING);
    const directory = mkdtempSync(join(tmpdir(), 'tessera-pg-'));
    const ids = RUNNING_AS_ROOT ? osUserIds() : undefined;
    if (ids) chownSync(directory, ids.uid, ids.gid);
    const cluster = new PrivatePostgres(directory, await freePort());
    running.add(cluster);
    try {
      await cluster.run('initdb', [
        '-D',
        cluster.dataDirectory,
        '-U',
        'postgres',
        '-A',
        'trust',
        '--no-sync',
        '-E',
        'UTF8',
      ]);
      await cluster.start();
    } catch (error) {
      cluster.destroySync();
      throw error;
    }
    return cluster;
  }

  /** Starts the server and waits until it accepts connections (crash recovery included). */
  start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.directory}`,
      '-c max_connections=60',
      '-c shared_buffers=16MB',
    ].join(' ');
    return this.run('pg_ctl', [
      '-D',
      this.dataDirectory,
      '-l',
      join(this.directory, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
  }

  /** Stops the server the way a crash would: no checkpoint, connections cut, recovery on the next start. */
  crash(): Promise<void> {
    return this.run('pg_ctl', ['-D', this.dataDirectory, '-m', 'immediate', '-w', 'stop']);
  }

  /** The server's own log, for a failing test's message. */
  serverLog(): string {
    try {
      return readFileSync(join(this.directory, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async destroy(): Promise<void> {
    this.destroySync();
  }

  /** Stops the server if it runs and removes the folder; never throws. */
  destroySync(): void {
    if (!running.delete(this)) return;
    if (existsSync(join(this.dataDirectory, 'postmaster.pid'))) {
      const [command, args] = this.command('pg_ctl', ['-D', this.dataDirectory, '-m', 'immediate', '-w', 'stop']);
      spawnSync(command, args, { cwd: this.directory, timeout: 60_000, stdio: 'ignore' });
    }
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** Runs a PostgreSQL program (as the postgres OS user when we are root) without blocking the event loop. */
  private run(program: string, args: string[]): Promise<void> {
    const [command, commandArgs] = this.command(program, args);
    return new Promise((resolve, reject) => {
      // pg_ctl's server would inherit the output pipes, were it not always told to log to a file (-l).
      execFile(command, commandArgs, { cwd: this.directory, timeout: 90_000 }, (error, stdout, stderr) => {
        if (!error) return resolve();
        reject(
          new Error(`${program} ${args.join(' ')} failed: ${error.message}\n${stderr}${stdout}\n${this.serverLog()}`),
        );
      });
    });
  }

  private command(program: string, args: string[]): [string, string[]] {
    const binary = join(BIN_DIR!, program);
    return RUNNING_AS_ROOT ? ['runuser', ['-u', OS_USER, '--', binary, ...args]] : [binary, args];
  }
}
