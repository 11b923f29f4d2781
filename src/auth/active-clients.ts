import type { Clock } from '../clock.js';
import type { Executor } from '../db/database.js';
import { findActiveClient } from '../modules/clients/client.repository.js';

/** How long a client's standing is taken as read: a revocation reaches every process within it. */
export const CLIENT_STATUS_TTL_MS = 5_000;

/** More clients than this are not remembered at once (the oldest answer is forgotten first). */
const MAX_REMEMBERED = 10_000;

/**
 * Whether an API client may still call. An access token is a signed JWT, valid until it expires
 * (ACCESS_TOKEN_TTL_SECONDS, an hour by default) whatever happens to its client; this check makes
 * a revoked client's tokens stop working within CLIENT_STATUS_TTL_MS. Each answer is remembered
 * that long, so a busy client costs one read every few seconds per process, not one per request.
 */
export class ActiveClients {
  private readonly known = new Map<string, { active: boolean; until: number }>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  async isActive(clientId: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const known = this.known.get(clientId);
    if (known && known.until > now) return known.active;
    const active = (await findActiveClient(this.db, clientId)) !== undefined;
    this.known.delete(clientId);
    if (this.known.size >= MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
    this.known.set(clientId, { active, until: now + CLIENT_STATUS_TTL_MS });
    return active;
  }
}
