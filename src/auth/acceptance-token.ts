import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { withLowS } from './es256-signatures.js';
import { SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.js';

/** The JWT's `typ`: a host verifying it checks this, so no other Tessera token passes for one. */
export const ACCEPTANCE_TOKEN_TYPE = 'tessera-acceptance+jwt';
export const ACCEPTANCE_TOKEN_TTL_SECONDS = 300;
/** The query parameter of the redirect URL that carries the token. */
export const ACCEPTANCE_PARAMETER = 'tessera_acceptance';

/** Who accepted what: the claims of the hand-off, besides the registered ones. */
export interface Acceptance {
  userId: string;
  email: string;
  organizationId: string;
  /** The role's name. */
  role: string;
  invitationId: string;
  /** The invitation's metadata, as its inviter gave it. */
  metadata: Record<string, unknown> | null;
}

/**
 * The acceptance hand-off: when the invitee's page accepts an invitation that has a redirect URL,
 * the redirect carries a short-lived JWT saying who accepted what, so that the host application
 * can sign the person in or provision them without waiting for the webhook. It is signed with the
 * access-token key (same key, same `kid`, verifiable through `/.well-known/jwks.json`), but with its
 * own `typ` and with the redirect URL's origin as audience: it is never an access token, and a host
 * accepts only tokens meant for it. It carries nothing that lets anyone act as the person.
 */
export class AcceptanceTokens {
  constructor(
    private readonly keys: Pick<SigningKeys, 'current'>,
    private readonly config: Pick<Config, 'tokenIssuer' | 'tokenAudience'>,
    private readonly clock: Clock,
  ) {}

  /** The token for `audience` (an origin): `iss`, `aud`, `sub` (the user), the acceptance, `iat`, `exp`, `jti`. */
  async issue(audience: string, acceptance: Acceptance): Promise<string> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const { kid, privateKey } = this.keys.current;
    const token = await new SignJWT({
      email: acceptance.email,
      // Issued only after an accept through an emailed link, which proves the mailbox.
      email_verified: true,
      org_id: acceptance.organizationId,
      role: acceptance.role,
      invitation_id: acceptance.invitationId,
      metadata: acceptance.metadata,
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCEPTANCE_TOKEN_TYPE, kid })
      .setIssuer(this.config.tokenIssuer)
      .setAudience(audience)
      .setSubject(acceptance.userId)
      .setIssuedAt(now)
      .setExpirationTime(now + ACCEPTANCE_TOKEN_TTL_SECONDS)
      .setJti(randomUUID())
      .sign(privateKey);
    return withLowS(token);
  }

  /**
   * The redirect URL with the token for its origin added (see `withAcceptanceParameter`). Never for
   * the origin access tokens name as their audience: the two must not be mistaken for each other by
   * a service that checks `aud` but not `typ`.
   */
  async redirectUrl(redirectUrl: string, acceptance: Acceptance): Promise<string> {
    const audience = new URL(redirectUrl).origin;
    if (audience === this.config.tokenAudience || audience === originOf(this.config.tokenAudience)) return redirectUrl;
    const token = await this.issue(audience, acceptance);
    return withAcceptanceParameter(redirectUrl, token);
  }
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * `url` with `tessera_acceptance=<token>` last in its query. The rest of the query is kept as it
 * was written, byte for byte (re-serializing it would, say, turn a `%20` into a `+`), and so is the
 * fragment; a parameter of the same name already there is dropped, so the token is the only one.
 */
export function withAcceptanceParameter(url: string, token: string): string {
  const parsed = new URL(url);
  const pairs = parsed.search ? parsed.search.slice(1).split('&') : [];
  const kept = pairs.filter((pair) => parameterName(pair) !== ACCEPTANCE_PARAMETER);
  parsed.search = [...kept, `${ACCEPTANCE_PARAMETER}=${encodeURIComponent(token)}`].join('&');
  return parsed.href;
}

/** The name of a query pair, decoded as a form decodes it (undefined if it does not decode). */
function parameterName(pair: string): string | undefined {
  const name = pair.split('=', 1)[0]!.replaceAll('+', ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
}
