import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../app-context.js';
import { authorizeOrganization, type OrganizationAccess } from '../auth/authorize.js';
import type { OrganizationPermission } from '../auth/permissions.js';
import { unauthenticated } from '../auth/principal.js';
import type { ServiceDeps } from '../deps.js';
import { logError, toAppError } from '../http/error-handler.js';
import { AppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import type { InviteResult } from '../modules/invitations/invitation.create.js';

export type ErrorRenderer = (request: FastifyRequest, reply: FastifyReply, error: AppError) => FastifyReply;

/** The documented surfaces' path prefixes, each with its error format: what answers there when no route does. */
const renderersByPrefix = new Map<string, ErrorRenderer>();

/** The error format of the documented surface whose paths hold `url`, if any. */
export function surfaceRendererFor(url: string): ErrorRenderer | undefined {
  const path = url.split('?')[0]!;
  for (const [prefix, render] of renderersByPrefix) if (path === prefix || path.startsWith(`${prefix}/`)) return render;
  return undefined;
}

function renderIn(render: ErrorRenderer) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    logError(request, error, appError);
    if (appError.headers) reply.headers(appError.headers);
    return render(request, reply, appError);
  };
}

/**
 * A documented surface's routes, in a scope of their own whose every error (validation, auth,
 * service refusals, crashes) is rendered in that surface's documented format. Under `prefix`, a
 * request no route takes (another method, a sub-path) is answered in that format too.
 */
export async function registerSurface(
  app: App,
  render: ErrorRenderer,
  routes: (scope: App) => void,
  prefix?: string,
): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(renderIn(render));
    routes(scope);
  });
  if (prefix === undefined) return;
  renderersByPrefix.set(prefix, render);
  await app.register(
    async (scope) => {
      scope.setErrorHandler(renderIn(render));
      scope.setNotFoundHandler((request, reply) =>
        render(
          request,
          reply,
          new AppError('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`),
        ),
      );
    },
    { prefix },
  );
}

/** Surfaces called by an organization's API client: its organization, if the token allows this. */
export async function organizationClientAccess(
  deps: ServiceDeps,
  request: FastifyRequest,
  permission: OrganizationPermission,
): Promise<OrganizationAccess> {
  const principal = principalOf(request);
  if (principal.kind !== 'client' || principal.organizationId === null) {
    throw unauthenticated('This endpoint takes an organization API client access token.', true);
  }
  return authorizeOrganization(deps, principal, principal.organizationId, permission);
}

/** The first item that refused an all-or-nothing request (not one merely skipped), with its position. */
export function firstRefusal(results: InviteResult[]): { index: number; error: AppError } | undefined {
  const index = results.findIndex((result) => !result.ok && !result.skipped);
  const result = results[index];
  return result && !result.ok ? { index, error: result.error } : undefined;
}
