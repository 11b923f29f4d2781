import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/database.js';
import { findAppSecret, getAppSecret, insertAppSecretIfAbsent } from './app-secret.repository.js';
import { secureRandomBytes } from './random-bytes.js';

const ROOT_SECRET_NAME = 'root';

export type SecretPurpose = 'outbox-seal' | 'cursor-sign' | 'csrf' | 'webhook-secret' | 'events-cursor';

/**
 * One root secret, from `SECRET_KEY` or generated on first start and kept in the database (so
 * every process shares it), with a key derived per purpose (HKDF). It seals the link tokens that
 * wait in the outbox and signs pagination cursors.
 */
export class AppSecrets {
  private readonly keys = new Map<SecretPurpose, Buffer>();

  constructor(private readonly root: Buffer) {}

  static async load(db: Executor, clock: Clock, configured?: string): Promise<AppSecrets> {
    if (configured) return new AppSecrets(Buffer.from(configured, 'utf8'));
    const existing = await findAppSecret(db, ROOT_SECRET_NAME);
    if (existing) return new AppSecrets(Buffer.from(existing.value, 'base64url'));
    // Two processes starting on an empty database: the first insert wins, both read it back.
    await insertAppSecretIfAbsent(db, {
      name: ROOT_SECRET_NAME,
      value: randomBytes(32).toString('base64url'),
      created_at: clock.now().toISOString(),
    });
    const stored = await getAppSecret(db, ROOT_SECRET_NAME);
    return new AppSecrets(Buffer.from(stored.value, 'base64url'));
  }

  key(purpose: SecretPurpose): Buffer {
    let key = this.keys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.root, Buffer.alloc(0), `tessera:${purpose}`, 32));
      this.keys.set(purpose, key);
    }
    return key;
  }

  /** AES-256-GCM; the result is base64url(iv | tag | ciphertext). */
  seal(purpose: SecretPurpose, plaintext: string): string {
    const iv = secureRandomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(purpose), iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  open(purpose: SecretPurpose, sealed: string): string | undefined {
    try {
      const data = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key(purpose), data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /** A tamper-evident token for a JSON value: base64url(json).base64url(hmac). */
  sign(purpose: SecretPurpose, value: unknown): string {
    const body = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    return `${body}.${this.mac(purpose, body)}`;
  }

  /** The signed value, or undefined for anything changed, truncated or signed elsewhere. */
  verify(purpose: SecretPurpose, token: string): unknown {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac(purpose, body), 'utf8');
    const actual = Buffer.from(mac, 'utf8');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  }

  private mac(purpose: SecretPurpose, body: string): string {
    return createHmac('sha256', this.key(purpose)).update(body).digest('base64url');
  }
}
