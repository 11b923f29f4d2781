import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/**
 * Bytes from the CSPRNG, as `crypto.randomBytes` gives them, drawn from a pool filled 4 KiB at a
 * time. Each `randomBytes` call is a system call; under load the three a created invitation makes
 * (its link token, the IV that seals it in the outbox, the request id) cost more than all of its
 * JSON work. Node's `randomUUID` pools the same way. Each byte is handed out once and wiped from
 * the pool as it is.
 */
export function secureRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 8) return randomBytes(size);
  if (used + size > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + size));
  pool.fill(0, used, used + size);
  used += size;
  return bytes;
}
