import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { ping } from '../db/ping.js';
import { sendProblem, serviceUnavailable } from '../http/error-handler.js';
import type { App } from '../http/fastify-types.js';

const Status = Type.Object({ status: Type.String() });

export function opsRoutes(app: App, { deps, metrics, signingKeys }: AppContext): void {
  app.get(
    '/healthz',
    { schema: { tags: ['Operations'], summary: 'Liveness: the process answers', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Readiness: the database answers',
        response: { 200: Status, 503: Type.Ref('ProblemDetails') },
      },
    },
    async (request, reply) => {
      try {
        await ping(deps.db);
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'database unreachable');
        return sendProblem(request, reply, serviceUnavailable());
      }
    },
  );

  app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['OAuth'], summary: 'Public keys that verify access tokens (JWK Set)' } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(await signingKeys.jwks()),
  );

  app.get(
    '/.well-known/oauth-authorization-server',
    { schema: { tags: ['OAuth'], summary: 'Authorization server metadata (RFC 8414)' } },
    async () => ({
      issuer: deps.config.tokenIssuer,
      token_endpoint: `${deps.config.publicUrl}/oauth/token`,
      jwks_uri: `${deps.config.publicUrl}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: [],
    }),
  );
}
