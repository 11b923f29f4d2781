import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The documents' own code samples (copied verbatim into test/samples/), run as real programs
 * against a running Tessera: only the scheme, host, port, credentials and ids are replaced.
 */
const SAMPLES = new URL('../samples/', import.meta.url).pathname;

export type Replacement = [search: string, replace: string];

export function sample(file: string, replacements: Replacement[]): string {
  let code = readFileSync(join(SAMPLES, file), 'utf8');
  for (const [search, replace] of replacements) {
    if (!code.includes(search)) throw new Error(`${file} has no ${JSON.stringify(search)} to replace`);
    code = code.split(search).join(replace);
  }
  return code;
}

export interface SampleRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

let python: string | undefined;

/** A Python 3 that has `requests` (the image's, or Debian's python3-requests that .ci/run installs). */
function pythonWithRequests(): string {
  if (python) return python;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import requests'], { stdio: 'ignore' }).status === 0) {
      python = candidate;
      return python;
    }
  }
  throw new Error('no python3 with the requests module: apt-get install -y python3-requests');
}

const RUNNERS = {
  curl: (file: string) => ['bash', [file]] as const,
  python: (file: string) => [pythonWithRequests(), [file]] as const,
  node: (file: string) => [process.execPath, [file]] as const,
};

const EXTENSIONS = { curl: 'sh', python: 'py', node: 'mjs' };

export async function runSample(kind: keyof typeof RUNNERS, code: string): Promise<SampleRun> {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-sample-')), `sample.${EXTENSIONS[kind]}`);
  writeFileSync(file, code);
  const [command, args] = RUNNERS[kind](file);
  const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { status, stdout: stdout.trim(), stderr };
}
