import type { RouteOptions } from 'fastify';
import type { Surface } from './response-contract.js';

/**
 * How to fuzz each route: the surface whose error format it answers in, who calls it (so that
 * most generated requests get past authentication), how its body travels, and its share of the
 * runs. Every registered route must have a plan, and every plan a route: a route added without
 * one fails the fuzz test rather than going unfuzzed.
 */

export type Callers =
  /** Nobody in particular: public routes. */
  | 'anyone'
  /** The native API: organization clients, platform clients, sessions of every role. */
  | 'native'
  /** Only a platform client may succeed. */
  | 'platform'
  /** A session token, to be signed out. */
  | 'session'
  /** An organization API client (users/v1, tenant). */
  | 'organization-client'
  /** An admin's session as Bearer, or an organization client (organization/users/invite). */
  | 'admin-or-client'
  /** An organization client's Bearer and an admin's x-session-token together (users-organizations ad/invite). */
  | 'client-and-session'
  /** OAuth client authentication: HTTP Basic, or credentials in the body. */
  | 'oauth-client'
  /** A browser: cookies, maybe a session. */
  | 'browser';

export type BodyEncoding = 'json' | 'form' | 'json-or-form';

export interface RoutePlan {
  surface: Surface;
  callers: Callers;
  body?: BodyEncoding;
  /** Runs for this route at FUZZ_RUNS=1. */
  runs: number;
}

/** Routes whose every request costs a password hash (scrypt) get fewer runs: each costs tens of milliseconds. */
const SLOW = 80;
const MANY = 220;
const SOME = 120;
const FEW = 20;

const PLANS: Record<string, RoutePlan> = {
  'GET /healthz': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /readyz': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /metrics': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /.well-known/jwks.json': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /.well-known/oauth-authorization-server': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /openapi.json': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /docs/': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /docs/static/index.html': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /docs/static/swagger-initializer.js': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /docs/json': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /docs/yaml': { surface: 'native', callers: 'anyone', runs: FEW },
  'GET /docs/static/*': { surface: 'native', callers: 'anyone', runs: SOME },
  'GET /assets/tessera.css': { surface: 'native', callers: 'anyone', runs: FEW },

  'POST /oauth/token': { surface: 'oauth', callers: 'oauth-client', body: 'json-or-form', runs: SLOW },
  'POST /v1/sessions': { surface: 'native', callers: 'anyone', body: 'json', runs: SLOW },
  'POST /v1/password-setup': { surface: 'native', callers: 'anyone', body: 'json', runs: SOME },
  'POST /v1/password-setup/complete': { surface: 'native', callers: 'anyone', body: 'json', runs: SOME },
  'DELETE /v1/sessions/current': { surface: 'native', callers: 'session', runs: SOME },

  'POST /v1/organizations': { surface: 'native', callers: 'platform', body: 'json', runs: SOME },
  'GET /v1/organizations/:orgId': { surface: 'native', callers: 'native', runs: SOME },
  'PATCH /v1/organizations/:orgId': { surface: 'native', callers: 'native', body: 'json', runs: SOME },
  'PUT /v1/organizations/:orgId/owner': { surface: 'native', callers: 'native', body: 'json', runs: SOME },
  'GET /v1/organizations/:orgId/roles': { surface: 'native', callers: 'native', runs: SOME },
  'POST /v1/organizations/:orgId/roles': { surface: 'native', callers: 'native', body: 'json', runs: SOME },

  'POST /v1/organizations/:orgId/invitations': { surface: 'native', callers: 'native', body: 'json', runs: MANY },
  'POST /v1/organizations/:orgId/invitations/bulk': { surface: 'native', callers: 'native', body: 'json', runs: MANY },
  'GET /v1/organizations/:orgId/invitations': { surface: 'native', callers: 'native', runs: MANY },
  'GET /v1/organizations/:orgId/invitations/:invitationId': { surface: 'native', callers: 'native', runs: SOME },
  'POST /v1/organizations/:orgId/invitations/:invitationId/revoke': {
    surface: 'native',
    callers: 'native',
    runs: SOME,
  },
  'POST /v1/organizations/:orgId/invitations/:invitationId/resend': {
    surface: 'native',
    callers: 'native',
    body: 'json',
    runs: SOME,
  },
  'POST /v1/invitations/lookup': { surface: 'native', callers: 'anyone', body: 'json', runs: SOME },
  'POST /v1/invitations/accept': { surface: 'native', callers: 'anyone', body: 'json', runs: MANY },
  'POST /v1/invitations/decline': { surface: 'native', callers: 'anyone', body: 'json', runs: SOME },

  'GET /v1/organizations/:orgId/events': { surface: 'native', callers: 'native', runs: SOME },
  'GET /v1/events': { surface: 'native', callers: 'platform', runs: SOME },

  'POST /v1/organizations/:orgId/webhook-endpoints': {
    surface: 'native',
    callers: 'native',
    body: 'json',
    runs: SOME,
  },
  'GET /v1/organizations/:orgId/webhook-endpoints': { surface: 'native', callers: 'native', runs: SOME },
  'GET /v1/organizations/:orgId/webhook-endpoints/:endpointId': { surface: 'native', callers: 'native', runs: SOME },
  'PATCH /v1/organizations/:orgId/webhook-endpoints/:endpointId': {
    surface: 'native',
    callers: 'native',
    body: 'json',
    runs: SOME,
  },
  'DELETE /v1/organizations/:orgId/webhook-endpoints/:endpointId': {
    surface: 'native',
    callers: 'native',
    runs: SOME,
  },
  'POST /v1/organizations/:orgId/webhook-endpoints/:endpointId/rotate-secret': {
    surface: 'native',
    callers: 'native',
    runs: SOME,
  },
  'POST /v1/organizations/:orgId/webhook-endpoints/:endpointId/test': {
    surface: 'native',
    callers: 'native',
    runs: SOME,
  },
  'GET /v1/organizations/:orgId/webhook-endpoints/:endpointId/deliveries': {
    surface: 'native',
    callers: 'native',
    runs: SOME,
  },
  'POST /v1/organizations/:orgId/webhook-endpoints/:endpointId/deliveries/:deliveryId/retry': {
    surface: 'native',
    callers: 'native',
    runs: SOME,
  },
  'POST /v1/webhook-endpoints/:endpointId/test': { surface: 'native', callers: 'platform', runs: SOME },
  'GET /v1/webhook-endpoints/:endpointId/deliveries': { surface: 'native', callers: 'platform', runs: SOME },
  'POST /v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/retry': {
    surface: 'native',
    callers: 'platform',
    runs: SOME,
  },
  'POST /v1/webhook-endpoints': { surface: 'native', callers: 'platform', body: 'json', runs: SOME },
  'GET /v1/webhook-endpoints': { surface: 'native', callers: 'platform', runs: SOME },
  'GET /v1/webhook-endpoints/:endpointId': { surface: 'native', callers: 'platform', runs: SOME },
  'PATCH /v1/webhook-endpoints/:endpointId': { surface: 'native', callers: 'platform', body: 'json', runs: SOME },
  'DELETE /v1/webhook-endpoints/:endpointId': { surface: 'native', callers: 'platform', runs: SOME },
  'POST /v1/webhook-endpoints/:endpointId/rotate-secret': { surface: 'native', callers: 'platform', runs: SOME },

  'GET /v1/organizations/:orgId/members': { surface: 'native', callers: 'native', runs: SOME },
  'GET /v1/organizations/:orgId/members/:userId': { surface: 'native', callers: 'native', runs: SOME },
  'PATCH /v1/organizations/:orgId/members/:userId': { surface: 'native', callers: 'native', body: 'json', runs: MANY },
  'DELETE /v1/organizations/:orgId/members/:userId': { surface: 'native', callers: 'native', runs: SOME },

  'POST /users/v1/invites': { surface: 'users-v1', callers: 'organization-client', body: 'json', runs: MANY },
  'GET /users/v1/invites': { surface: 'users-v1', callers: 'organization-client', runs: MANY },
  'POST /api/v1/organization/users/invite': { surface: 'native', callers: 'admin-or-client', body: 'json', runs: MANY },
  'POST /users-organizations/v1/ad/invite': {
    surface: 'native',
    callers: 'client-and-session',
    body: 'json',
    runs: MANY,
  },
  'POST /main/users-organizations/v1/ad/invite': {
    surface: 'native',
    callers: 'client-and-session',
    body: 'json',
    runs: SOME,
  },
  'POST /api/v1.0/external/tenant/inviteusers': {
    surface: 'tenant',
    callers: 'organization-client',
    body: 'json',
    runs: MANY,
  },
  'GET /api/v1.0/external/tenant/availableroles': { surface: 'tenant', callers: 'organization-client', runs: SOME },

  'GET /invite/:token': { surface: 'web', callers: 'browser', runs: SOME },
  'POST /invite/:token/accept': { surface: 'web', callers: 'browser', body: 'form', runs: MANY },
  'POST /invite/:token/decline': { surface: 'web', callers: 'browser', body: 'form', runs: SOME },
  'POST /invite/:token/sign-out': { surface: 'web', callers: 'browser', body: 'form', runs: SOME },
  'GET /password-setup': { surface: 'web', callers: 'browser', runs: FEW },
  'POST /password-setup': { surface: 'web', callers: 'browser', body: 'form', runs: SOME },
  'GET /password-setup/:token': { surface: 'web', callers: 'browser', runs: SOME },
  'POST /password-setup/:token': { surface: 'web', callers: 'browser', body: 'form', runs: SOME },
};

/** A route as the fuzz test sees it: one method, its plan and its schema. */
export interface FuzzRoute {
  key: string;
  method: string;
  url: string;
  plan: RoutePlan;
  schema: Record<string, unknown>;
}

/**
 * Every registered route with its plan. HEAD routes are the twins Fastify makes of GET routes:
 * they share the GET route's plan (for `/docs`, the one of `/docs/`: Fastify announces only the
 * latter for a prefixed `/` route), with fewer runs. Also returns the routes without a plan, and
 * the plans without a route, so that the test can fail on either.
 */
export function planRoutes(routes: RouteOptions[]): { planned: FuzzRoute[]; unplanned: string[]; stale: string[] } {
  const planned: FuzzRoute[] = [];
  const unplanned: string[] = [];
  const used = new Set<string>();
  for (const route of routes) {
    for (const method of [route.method].flat()) {
      const key = `${method} ${route.url}`;
      const twin =
        method === 'HEAD' ? [`GET ${route.url}`, `GET ${route.url}/`].find((candidate) => PLANS[candidate]) : undefined;
      const planKey = PLANS[key] ? key : twin;
      if (!planKey) {
        unplanned.push(key);
        continue;
      }
      used.add(planKey);
      const plan = planKey === key ? PLANS[key]! : { ...PLANS[planKey]!, runs: FEW };
      planned.push({ key, method, url: route.url, plan, schema: (route.schema ?? {}) as Record<string, unknown> });
    }
  }
  return { planned, unplanned, stale: Object.keys(PLANS).filter((key) => !used.has(key)) };
}
