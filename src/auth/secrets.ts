import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { secureRandomBytes } from './random-bytes.js';

/**
 * Slow hashes for client secrets and passwords (scrypt from node:crypto), and fast SHA-256 digests
 * for high-entropy random tokens (invitation links, sessions), which need no stretching.
 */
const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32 } as const;

/**
 * Each scrypt run holds 16 MiB. More runs at once than there are cores finish no sooner, they only
 * add memory: the rest wait their turn.
 */
const SCRYPT_SLOTS = Math.max(1, availableParallelism());
let scryptRunning = 0;
const scryptWaiting: Array<() => void> = [];

async function scrypt(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  if (scryptRunning >= SCRYPT_SLOTS) await new Promise<void>((resolve) => scryptWaiting.push(resolve));
  scryptRunning++;
  try {
    return await new Promise((resolve, reject) => {
      scryptCallback(secret.normalize('NFKC'), salt, keyLength, options, (error, key) =>
        error ? reject(error) : resolve(key),
      );
    });
  } finally {
    scryptRunning--;
    scryptWaiting.shift()?.();
  }
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [algorithm, n, r, p, salt, key] = stored.split('$');
  if (algorithm !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/**
 * Batches of passwords (an inviter's preset passwords, up to a hundred a request) are hashed one at
 * a time, all batches together, in a lane of their own: however many batches arrive, they hold one
 * scrypt slot at most, and sign-in and token requests keep the others.
 */
let batchLane: Promise<unknown> = Promise.resolve();

export function hashSecretsInBatchLane(secrets: readonly string[]): Promise<string[]> {
  const run = batchLane.then(async () => {
    const hashes: string[] = [];
    for (const secret of secrets) hashes.push(await hashSecret(secret));
    return hashes;
  });
  batchLane = run.catch(() => undefined);
  return run;
}

/** A hash of a random secret nobody knows: verifying against it costs what a real check costs. */
let decoyHash: Promise<string> | undefined;

/** Spends the time of a real verification, so that an unknown user or client is not faster to refuse. */
export async function verifyAgainstDecoy(secret: string): Promise<false> {
  decoyHash ??= hashSecret(randomBytes(16).toString('hex'));
  await verifySecret(secret, await decoyHash);
  return false;
}

/** 32 bytes from the CSPRNG, base64url, with an optional readable prefix. */
export function randomToken(prefix = '', bytes = 32): string {
  return prefix + secureRandomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
