import type { ServerOptions } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { AppContext } from './app-context.js';
import { ActiveClients } from './auth/active-clients.js';
import { AccessTokens } from './auth/access-tokens.js';
import { authenticateToken, bearerToken } from './auth/principal.js';
import { SigningKeys } from './auth/signing-keys.js';
import { tokenRoutes } from './auth/token.routes.js';
import type { ServiceDeps } from './deps.js';
import { ProblemDetails } from './http/common.schemas.js';
import { problemErrorHandler, sendProblem } from './http/error-handler.js';
import { AppError } from './http/errors.js';
import type { App } from './http/fastify-types.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { loggerOptions, requestIdFor } from './http/logging.js';
import { registerOpenApi } from './http/openapi.js';
import { routingError } from './http/routing-errors.js';
import { closeUnusedConnectionsOnClose } from './http/unused-connections.js';
import { buildValidator } from './http/validation.js';
import { organizationRoutes } from './modules/organizations/organization.routes.js';
import { RoleResponse } from './modules/roles/role.schemas.js';
import { roleRoutes } from './modules/roles/role.routes.js';
import { invitationRoutes } from './modules/invitations/invitation.routes.js';
import { eventRoutes } from './modules/events/event.routes.js';
import { EventResponse } from './modules/events/event.schemas.js';
import { eventWebhooks } from './modules/events/event.webhooks.schemas.js';
import { InvitationResponse, Permissions } from './modules/invitations/invitation.schemas.js';
import { webhookEndpointRoutes } from './modules/webhooks/webhook-endpoint.routes.js';
import { WebhookDeliveryResponse, WebhookEndpointResponse } from './modules/webhooks/webhook-endpoint.schemas.js';
import { membershipRoutes } from './modules/memberships/membership.routes.js';
import { passwordSetupRoutes } from './modules/password-setup/password-setup.routes.js';
import { sessionRoutes } from './modules/sessions/session.routes.js';
import { UserResponse } from './modules/users/user.schemas.js';
import { OrganizationResponse } from './modules/organizations/organization.schemas.js';
import { Metrics } from './ops/metrics.js';
import { opsRoutes } from './ops/ops.routes.js';
import { organizationUsersInviteSurface } from './surfaces/organization-users-invite.js';
import { tenantInviteUsersSurface } from './surfaces/tenant-inviteusers.js';
import { usersOrganizationsAdInviteSurface } from './surfaces/users-organizations-ad-invite.js';
import { surfaceRendererFor } from './surfaces/surface-kit.js';
import { usersV1InvitesSurface } from './surfaces/users-v1-invites.js';
import { inviteWebRoutes, sendUnroutableLinkPage } from './web/invite.routes.js';
import { passwordSetupWebRoutes, sendUnroutableSetupLinkPage } from './web/password-setup.routes.js';

const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export interface AppDeps {
  deps: ServiceDeps;
  /** Pino options, `false` for none; defaults to JSON logs at the configured level. */
  logger?: FastifyServerOptions['logger'];
  /** Told of every route as it is registered, hidden ones included (the fuzz tests cover each one). */
  onRoute?: (route: RouteOptions) => void;
  /** The process's metrics, when something besides HTTP (the webhook worker) reports into them too. */
  metrics?: Metrics;
}

/**
 * Node's server options that make REQUEST_TIMEOUT_MS hold.
 * - `headersTimeout` no longer than the request's: when it is longer (Node's default is 60 s),
 *   Node swaps the two, and a body may then trickle for the 60 s instead (seen on Node 20: a body
 *   sent a byte a second was still open after 8 s with a requestTimeout of 2 s).
 * - `connectionsCheckingInterval`: Node looks for requests past their time only this often (30 s by
 *   default); a quarter of the timeout, at most a second, cuts one off within a quarter of its
 *   timeout after it. Each check walks the list of connections that are mid-request, without
 *   touching their sockets: thousands of them cost little.
 */
export function requestTimeouts(
  requestTimeoutMs: number,
): Required<Pick<ServerOptions, 'requestTimeout' | 'headersTimeout' | 'connectionsCheckingInterval'>> {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, Math.floor(requestTimeoutMs / 4)),
  };
}

/** Builds the whole HTTP application on a migrated database. It never listens: server.ts does. */
export async function buildApp(input: AppDeps): Promise<App> {
  const { deps } = input;
  const config = deps.config;
  const signingKeys = await SigningKeys.load(deps.db, deps.clock, config.signingKey);
  const context: AppContext = {
    deps,
    signingKeys,
    accessTokens: new AccessTokens(signingKeys, config, deps.clock, new ActiveClients(deps.db, deps.clock)),
    metrics: input.metrics ?? new Metrics(),
  };

  const app = Fastify({
    logger: input.logger ?? loggerOptions(config.logLevel),
    genReqId: requestIdFor,
    // Probes and scrapes every few seconds would drown the request log.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: (request) => QUIET_ROUTES.has(request.url),
    }),
    schemaController: { compilersFactory: { buildValidator } },
    bodyLimit: 1024 * 1024,
    // A client that trickles its request (a byte every few seconds) is answered 408 and closed once
    // the whole request, headers and body, has taken longer than this: otherwise each one holds a
    // connection for as long as it likes (Fastify's default, 0, is no limit, and Fastify sets its
    // own on the server after creating it); `http` goes to Node's createServer.
    requestTimeout: config.requestTimeoutMs,
    http: requestTimeouts(config.requestTimeoutMs),
    // Invitation tokens are 43 characters; longer path parameters still reach the handler (and the
    // one invalid-link page) rather than Fastify's own 414.
    routerOptions: { maxParamLength: 512 },
    // Which address `request.ip` is (the per-IP limits count it): the socket's peer, unless a
    // trusted proxy names the client in X-Forwarded-For.
    trustProxy: typeof config.trustProxy === 'boolean' ? config.trustProxy : [...config.trustProxy],
    // A path the router cannot decode: an invitation link gets the one invalid-link page, the API a problem.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      if (request.url.startsWith('/invite/')) return sendUnroutableLinkPage(request, reply, config);
      if (request.url.startsWith('/password-setup/')) return sendUnroutableSetupLinkPage(reply, config);
      const surface = surfaceRendererFor(request.url);
      if (surface) return surface(request, reply, routingError(error));
      return sendProblem(request, reply, routingError(error));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (input.onRoute) app.addHook('onRoute', input.onRoute);
  closeUnusedConnectionsOnClose(app);

  // The API speaks JSON (and /oauth/token, in its own scope, forms): any other body is a 415.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  app.decorateRequest('principal', null);
  app.decorate('authenticate', async (request) => {
    request.principal = await authenticateToken(deps, context.accessTokens, bearerToken(request.headers.authorization));
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    context.metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  for (const schema of [
    ProblemDetails,
    UserResponse,
    RoleResponse,
    OrganizationResponse,
    Permissions,
    InvitationResponse,
    EventResponse,
    WebhookEndpointResponse,
    WebhookDeliveryResponse,
  ]) {
    app.addSchema(schema);
  }
  await registerOpenApi(app, config, eventWebhooks());

  opsRoutes(app, context);
  await tokenRoutes(app, context);
  sessionRoutes(app, context);
  passwordSetupRoutes(app, context);
  organizationRoutes(app, context);
  roleRoutes(app, context);
  invitationRoutes(app, context);
  membershipRoutes(app, context);
  eventRoutes(app, context);
  webhookEndpointRoutes(app, context);
  await usersV1InvitesSurface(app, context);
  await organizationUsersInviteSurface(app, context);
  await usersOrganizationsAdInviteSurface(app, context);
  await tenantInviteUsersSurface(app, context);
  await inviteWebRoutes(app, context);
  await passwordSetupWebRoutes(app, context);

  return app;
}
