import formbody from '@fastify/formbody';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { logError, toAppError } from '../http/error-handler.js';
import type { App } from '../http/fastify-types.js';
import { authenticateClient, scopesOf } from '../modules/clients/client.service.js';

/** RFC 6749 §5.2 error codes. */
type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error'
  /**
   * §5.2 has no code for a rate limit or an outage; this registered one (§4.1.2.1) says "try again
   * later", with 429 (a limit) or 503 (the database unreachable) and Retry-After.
   */
  | 'temporarily_unavailable';

class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

const TokenRequest = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ examples: ['client_credentials'] })),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String({ description: "Space-separated; a subset of the client's scopes." })),
  },
  { additionalProperties: true },
);

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
});

const OAuthErrorResponse = Type.Object({ error: Type.String(), error_description: Type.String() });

function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  // RFC 6749 §5.2: a client that authenticated with the Authorization header is challenged back.
  if (error.status === 401) reply.header('www-authenticate', 'Basic realm="tessera", charset="UTF-8"');
  return noStore(reply).status(error.status).send({ error: error.error, error_description: error.description });
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or from the body, not both. */
function clientCredentials(request: FastifyRequest<{ Body: Record<string, unknown> | undefined }>) {
  const body = request.body ?? {};
  const header = request.headers.authorization;
  const fromBody = typeof body.client_id === 'string' || typeof body.client_secret === 'string';
  if (header) {
    if (fromBody) throw new OAuthError('invalid_request', 'Send client credentials in one place only.');
    const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Client authentication failed.', 401);
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      throw new OAuthError('invalid_client', 'Client authentication failed.', 401);
    }
  }
  if (typeof body.client_id !== 'string' || typeof body.client_secret !== 'string') {
    throw new OAuthError('invalid_client', 'Client authentication failed.', 401);
  }
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

export async function tokenRoutes(app: App, { deps, accessTokens }: AppContext): Promise<void> {
  const limitAttempts = deps.limits.attempts.hook('token');
  await app.register(async (scope) => {
    await scope.register(formbody);
    scope.setErrorHandler((error, request, reply) => {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      const appError = toAppError(error);
      logError(request, error, appError);
      if (appError.code === 'RATE_LIMITED') {
        if (appError.headers) reply.headers(appError.headers);
        return sendOAuthError(reply, new OAuthError('temporarily_unavailable', appError.detail ?? appError.title, 429));
      }
      if (appError.code === 'SERVICE_UNAVAILABLE') {
        if (appError.headers) reply.headers(appError.headers);
        return sendOAuthError(
          reply,
          new OAuthError('temporarily_unavailable', 'The service is unavailable; try again shortly.', 503),
        );
      }
      if (appError.status >= 500) {
        return sendOAuthError(reply, new OAuthError('server_error', `Try again later (request ${request.id}).`, 500));
      }
      return sendOAuthError(reply, new OAuthError('invalid_request', appError.detail ?? appError.title));
    });

    scope.post(
      '/oauth/token',
      {
        // Per client address, before the body is read: guessing secrets gets a 429.
        onRequest: limitAttempts,
        schema: {
          tags: ['OAuth'],
          summary: 'Get an access token (OAuth 2.0 client credentials)',
          description:
            'RFC 6749 §4.4. Authenticate with HTTP Basic or with `client_id` and `client_secret` in the body ' +
            '(form or JSON). Returns an RFC 9068 JWT access token.',
          consumes: ['application/x-www-form-urlencoded', 'application/json'],
          body: Type.Optional(TokenRequest),
          response: {
            200: TokenResponse,
            400: OAuthErrorResponse,
            401: OAuthErrorResponse,
            429: OAuthErrorResponse,
            500: OAuthErrorResponse,
            503: OAuthErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        if (body.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required.');
        if (body.grant_type !== 'client_credentials') {
          throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported.');
        }
        const { clientId, clientSecret } = clientCredentials(
          request as FastifyRequest<{ Body: Record<string, unknown> }>,
        );
        const client = await authenticateClient(deps, clientId, clientSecret);
        if (!client) throw new OAuthError('invalid_client', 'Client authentication failed.', 401);

        const allowed = scopesOf(client);
        const requested = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [...allowed];
        const unknown = requested.filter((name) => !(allowed as readonly string[]).includes(name));
        if (unknown.length > 0)
          throw new OAuthError('invalid_scope', `Not granted to this client: ${unknown.join(' ')}.`);

        const { token, expiresIn } = await accessTokens.issue({
          clientId: client.client_id,
          organizationId: client.organization_id,
          scopes: requested,
        });
        return noStore(reply).send({
          access_token: token,
          token_type: 'Bearer',
          expires_in: expiresIn,
          scope: requested.join(' '),
        });
      },
    );
  });
}
