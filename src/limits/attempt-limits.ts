import type { FastifyRequest } from 'fastify';
import { clientAddressKey } from './client-address.js';
import { rateLimited } from './invitation-limits.js';
import type { WindowCounter } from './window-counter.js';

/**
 * Attempts per client address: `token` for `POST /oauth/token` (guessing client secrets), `signIn`
 * for `POST /v1/sessions` (guessing passwords), `accept` for everything that takes an invitation
 * link's token (lookup, accept, decline, the invitee's page's forms). The address is `request.ip`,
 * which `TRUST_PROXY` decides: the socket's peer, or the client a trusted proxy names in
 * X-Forwarded-For.
 */
export type AttemptKind = 'token' | 'signIn' | 'accept';

export class AttemptLimits {
  constructor(private readonly counters: Readonly<Record<AttemptKind, WindowCounter | undefined>>) {}

  /** Counts one attempt; over the limit, throws RATE_LIMITED with Retry-After. */
  async count(kind: AttemptKind, ip: string): Promise<void> {
    const counter = this.counters[kind];
    if (!counter) return;
    // Refused attempts stay counted: someone who keeps trying stays refused until the window ends.
    const grant = await counter.take(`${kind}:${clientAddressKey(ip)}`, 1);
    if (grant.granted === 0) {
      throw rateLimited(
        `Too many attempts from your address: at most ${counter.limit} a minute.`,
        grant.retryAfterSeconds,
      );
    }
  }

  /** An `onRequest` hook for a route: runs before the body is read, and its refusal is rendered by the route's own error handler. */
  hook(kind: AttemptKind): (request: FastifyRequest) => Promise<void> {
    return async (request) => this.count(kind, request.ip);
  }
}
