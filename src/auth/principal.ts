import type { ServiceDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { resolveSession } from '../modules/sessions/session.service.js';
import type { AccessTokens } from './access-tokens.js';

/** Who is calling: an API client (by its access token) or a signed-in user (by a session token). */
export type Principal =
  | { kind: 'client'; clientId: string; organizationId: string | null; scopes: ReadonlySet<string> }
  | {
      kind: 'user';
      userId: string;
      sessionId: string;
      email: string;
      /** Set when the session was opened with a provisional password: the one organization it reaches. */
      organizationScope: string | null;
    };

const REALM = 'realm="tessera"';

export function bearerChallenge(error?: { code: 'invalid_token' | 'insufficient_scope'; description: string }): string {
  return error ? `Bearer ${REALM}, error="${error.code}", error_description="${error.description}"` : `Bearer ${REALM}`;
}

export function unauthenticated(detail: string, tokenPresented: boolean): AppError {
  const challenge = tokenPresented
    ? bearerChallenge({ code: 'invalid_token', description: 'The access token is invalid or expired' })
    : bearerChallenge();
  return new AppError('UNAUTHENTICATED', detail, { headers: { 'www-authenticate': challenge } });
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? '');
  return match?.[1];
}

export async function authenticateToken(
  deps: ServiceDeps,
  accessTokens: AccessTokens,
  token: string | undefined,
): Promise<Principal> {
  if (!token)
    throw unauthenticated('Send an access token or a session token as "Authorization: Bearer <token>".', false);
  if (token.includes('.')) {
    const verified = await accessTokens.verify(token);
    if (verified) {
      return {
        kind: 'client',
        clientId: verified.clientId,
        organizationId: verified.organizationId,
        scopes: new Set(verified.scopes),
      };
    }
  } else {
    const session = await resolveSession(deps, token);
    if (session) return { kind: 'user', ...session };
  }
  throw unauthenticated('The token is invalid, expired or revoked.', true);
}
