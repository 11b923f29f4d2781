import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from './auth/access-tokens.js';
import type { Principal } from './auth/principal.js';
import type { SigningKeys } from './auth/signing-keys.js';
import type { ServiceDeps } from './deps.js';
import type { Metrics } from './ops/metrics.js';

/** What route modules receive from buildApp. */
export interface AppContext {
  deps: ServiceDeps;
  accessTokens: AccessTokens;
  signingKeys: SigningKeys;
  metrics: Metrics;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` pre-handler on protected routes. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing the authenticate pre-handler');
  return request.principal;
}
