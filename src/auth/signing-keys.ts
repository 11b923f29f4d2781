import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/database.js';
import {
  findNewestLivePrivateJwk,
  insertSigningKey,
  listLivePublicJwks,
  listLiveVerificationKeys,
} from './signing-key.repository.js';

export const SIGNING_ALGORITHM = 'ES256';

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** A kid nobody has seen may be a key another process just made; look again, but not often. */
const RELOAD_INTERVAL_MS = 10_000;

/**
 * The keys that sign and verify access tokens. Tessera makes one on first start and keeps it in
 * `signing_keys`, so every process and every restart signs with the same key; `SIGNING_KEY`
 * overrides it with a key from configuration.
 */
export class SigningKeys {
  private verification = new Map<string, CryptoKey>();
  private lastReload = 0;

  private constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private signing: KeyPair,
    private readonly fixed: boolean,
  ) {
    this.verification.set(signing.kid, signing.publicKey);
  }

  static async load(db: Executor, clock: Clock, configuredKey?: string): Promise<SigningKeys> {
    if (configuredKey) {
      const keys = new SigningKeys(db, clock, await pairFromPrivateJwk(JSON.parse(configuredKey) as JWK), true);
      return keys;
    }
    const stored = await latestStoredKey(db);
    const pair = stored ?? (await createStoredKey(db, clock));
    const keys = new SigningKeys(db, clock, pair, false);
    await keys.reload();
    return keys;
  }

  get current(): { kid: string; privateKey: CryptoKey } {
    return this.signing;
  }

  /** Public keys as a JWK Set, for `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    if (this.fixed) return { keys: [this.signing.publicJwk] };
    const rows = await listLivePublicJwks(this.db);
    return { keys: rows.map((row) => JSON.parse(row.public_jwk) as JWK) };
  }

  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (kid === undefined) return undefined;
    const known = this.verification.get(kid);
    if (known || this.fixed) return known;
    if (this.clock.now().getTime() - this.lastReload < RELOAD_INTERVAL_MS) return undefined;
    await this.reload();
    return this.verification.get(kid);
  }

  private async reload(): Promise<void> {
    this.lastReload = this.clock.now().getTime();
    const rows = await listLiveVerificationKeys(this.db);
    const verification = new Map<string, CryptoKey>();
    for (const row of rows) {
      verification.set(row.kid, (await importJWK(JSON.parse(row.public_jwk) as JWK, SIGNING_ALGORITHM)) as CryptoKey);
    }
    verification.set(this.signing.kid, this.signing.publicKey);
    this.verification = verification;
  }
}

async function pairFromPrivateJwk(privateJwk: JWK): Promise<KeyPair> {
  const { d: _private, ...publicPart } = privateJwk;
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicPart));
  const publicJwk: JWK = { ...publicPart, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  delete publicJwk.key_ops;
  return {
    kid,
    privateKey: (await importJWK({ ...privateJwk, kid }, SIGNING_ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey,
    publicJwk,
  };
}

async function latestStoredKey(db: Executor): Promise<KeyPair | undefined> {
  const row = await findNewestLivePrivateJwk(db);
  return row ? pairFromPrivateJwk(JSON.parse(row.private_jwk) as JWK) : undefined;
}

async function createStoredKey(db: Executor, clock: Clock): Promise<KeyPair> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const pair = await pairFromPrivateJwk(await exportJWK(privateKey));
  await insertSigningKey(db, {
    kid: pair.kid,
    alg: SIGNING_ALGORITHM,
    private_jwk: JSON.stringify({ ...(await exportJWK(privateKey)), kid: pair.kid }),
    public_jwk: JSON.stringify(pair.publicJwk),
    created_at: clock.now().toISOString(),
    retired_at: null,
  });
  // Two processes starting at once on an empty database each make a key; both verify, and the
  // newest signs from the next start on.
  return (await latestStoredKey(db)) ?? pair;
}
