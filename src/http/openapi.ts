import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.js';
import type { App } from './fastify-types.js';

/**
 * OpenAPI 3.1 from the route schemas, served at /openapi.json, with a rendered reference at /docs.
 * `webhooks` (the requests Tessera sends) comes from the caller: the events module describes them.
 */
export async function registerOpenApi(
  app: App,
  config: Config,
  webhooks: Record<string, Record<string, unknown>>,
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera',
        version: '0.1.0',
        description:
          'Invitations into organizations: the native API under /v1, OAuth client credentials at /oauth/token, ' +
          'and the documented invite endpoints of other products.',
      },
      servers: [{ url: config.publicUrl }],
      webhooks,
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An access token from /oauth/token, or a session token from /v1/sessions.',
          },
          oauth2: {
            type: 'oauth2',
            flows: { clientCredentials: { tokenUrl: `${config.publicUrl}/oauth/token`, scopes: {} } },
          },
        },
      },
    },
    refResolver: {
      // Shared schemas keep their $id as their name under components.schemas.
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
