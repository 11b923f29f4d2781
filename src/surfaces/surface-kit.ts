import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../app-context.js';
import { authorizeOrganization, type OrganizationAccess } from '../auth/authorize.js';
import type { OrganizationPermission } from '../auth/permissions.js';
import { unauthenticated } from '../auth/principal.js';
import type { ServiceDeps } from '../deps.js';
import { logError, toAppError } from '../http/error-handler.js';
import type { AppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import type { InviteResult } from '../modules/invitations/invitation.service.js';

export type ErrorRenderer = (request: FastifyRequest, reply: FastifyReply, error: AppError) => FastifyReply;

/**
 * A documented surface's routes, in a scope of their own whose every error (validation, auth,
 * service refusals, crashes) is rendered in that surface's documented format.
 */
export async function registerSurface(app: App, render: ErrorRenderer, routes: (scope: App) => void): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => {
      const appError = toAppError(error);
      logError(request, error, appError);
      if (appError.headers) reply.headers(appError.headers);
      return render(request, reply, appError);
    });
    routes(scope);
  });
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
