import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, decodeProtectedHeader } from 'jose';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ActiveClients } from './active-clients.js';
import { hasCanonicalSignature, withLowS } from './es256-signatures.js';
import { SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.js';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * How far in the future a token's `iat` may be. Every Tessera process stamps `iat` from its own
 * clock, and a token issued by one process is verified by others, whose clocks NTP keeps within
 * a second or so; a minute absorbs a drifting host. A token "issued" further ahead was not issued
 * by us at this time: it was minted with a wrong clock or by someone holding the key.
 */
const MAX_ISSUED_AT_SKEW_SECONDS = 60;

export interface AccessTokenSubject {
  clientId: string;
  /** null for a platform client. */
  organizationId: string | null;
  scopes: readonly string[];
}

export interface VerifiedAccessToken extends AccessTokenSubject {
  tokenId: string;
  expiresAt: Date;
}

/**
 * RFC 9068 JWT access tokens for OAuth clients: `typ: at+jwt`, issuer, audience, `sub` and
 * `client_id` (the client), `org_id` (its organization), `scope`, `exp`, `iat`, `jti`.
 */
export class AccessTokens {
  /**
   * Tokens already verified, until they expire: a client sends the same token for an hour, and an
   * ECDSA verification per request would cost more than the request. Keyed by the whole token, so
   * a changed one (a malleated signature included) is never found here and is verified in full.
   */
  private readonly verified = new Map<string, VerifiedAccessToken>();

  constructor(
    private readonly keys: SigningKeys,
    private readonly config: Pick<Config, 'tokenIssuer' | 'tokenAudience' | 'accessTokenTtlSeconds'>,
    private readonly clock: Clock,
    private readonly clients: Pick<ActiveClients, 'isActive'>,
  ) {}

  async issue(subject: AccessTokenSubject): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const { kid, privateKey } = this.keys.current;
    const claims: Record<string, unknown> = { client_id: subject.clientId, scope: subject.scopes.join(' ') };
    if (subject.organizationId) claims.org_id = subject.organizationId;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid })
      .setIssuer(this.config.tokenIssuer)
      .setAudience(this.config.tokenAudience)
      .setSubject(subject.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.config.accessTokenTtlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token: withLowS(token), expiresIn: this.config.accessTokenTtlSeconds };
  }

  /**
   * Returns the token's subject, or undefined for anything not issued by us and still valid, and
   * for the tokens of a client revoked since (see ActiveClients).
   */
  async verify(token: string): Promise<VerifiedAccessToken | undefined> {
    const verified = await this.verifiedClaims(token);
    return verified && (await this.clients.isActive(verified.clientId)) ? verified : undefined;
  }

  private async verifiedClaims(token: string): Promise<VerifiedAccessToken | undefined> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt.getTime() > this.clock.now().getTime()) return known;
      this.verified.delete(token);
    }
    const result = await this.verifySignatureAndClaims(token);
    if (result) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, result);
    }
    return result;
  }

  private async verifySignatureAndClaims(token: string): Promise<VerifiedAccessToken | undefined> {
    try {
      if (!hasCanonicalSignature(token)) return undefined;
      const header = decodeProtectedHeader(token);
      const key = await this.keys.verificationKey(header.kid);
      if (!key) return undefined;
      const { payload } = await jwtVerify(token, key, {
        algorithms: [SIGNING_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.config.tokenIssuer,
        audience: this.config.tokenAudience,
        currentDate: this.clock.now(),
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      });
      if (typeof payload.client_id !== 'string' || payload.client_id !== payload.sub) return undefined;
      const now = Math.floor(this.clock.now().getTime() / 1000);
      if (typeof payload.iat !== 'number' || payload.iat > now + MAX_ISSUED_AT_SKEW_SECONDS) return undefined;
      return {
        clientId: payload.client_id,
        organizationId: typeof payload.org_id === 'string' ? payload.org_id : null,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        tokenId: String(payload.jti),
        expiresAt: new Date((payload.exp ?? 0) * 1000),
      };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }
}
