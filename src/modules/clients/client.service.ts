import { randomBytes } from 'node:crypto';
import { ORGANIZATION_CLIENT_SCOPES, PLATFORM_CLIENT_SCOPES, type Permission } from '../../auth/permissions.js';
import { hashSecret, randomToken, verifyAgainstDecoy, verifySecret } from '../../auth/secrets.js';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { findOrganizationById } from '../organizations/organization.repository.js';
import { findActiveClient, insertClient, revokeClientRow, type ApiClientRow } from './client.repository.js';

export interface NewClient {
  id: string;
  clientId: string;
  /** Shown once; only its hash is stored. */
  clientSecret: string;
  name: string;
  organizationId: string | null;
  scopes: readonly Permission[];
}

export function scopesOf(client: Pick<ApiClientRow, 'organization_id'>): readonly Permission[] {
  return client.organization_id === null ? PLATFORM_CLIENT_SCOPES : ORGANIZATION_CLIENT_SCOPES;
}

/** A new API client: bound to one organization, or (organizationId null) a platform client. */
export async function createClient(
  deps: ServiceDeps,
  input: { organizationId: string | null; name?: string | undefined },
): Promise<NewClient> {
  if (input.organizationId !== null && !(await findOrganizationById(deps.db, input.organizationId))) {
    throw new AppError('ORGANIZATION_NOT_FOUND');
  }
  const clientSecret = randomToken('sec_');
  const row = await insertClient(deps.db, {
    id: newId(),
    client_id: `cli_${randomBytes(12).toString('hex')}`,
    secret_hash: await hashSecret(clientSecret),
    name: input.name?.trim() || (input.organizationId ? 'Organization client' : 'Platform client'),
    organization_id: input.organizationId,
    created_at: deps.clock.now().toISOString(),
    revoked_at: null,
  });
  return {
    id: row.id,
    clientId: row.client_id,
    clientSecret,
    name: row.name,
    organizationId: row.organization_id,
    scopes: scopesOf(row),
  };
}

/** The client if the secret is right; an unknown client costs as much time as a wrong secret. */
export async function authenticateClient(
  deps: ServiceDeps,
  clientId: string,
  clientSecret: string,
): Promise<ApiClientRow | undefined> {
  const client = await findActiveClient(deps.db, clientId);
  if (!client) return verifyAgainstDecoy(clientSecret).then(() => undefined);
  return (await verifySecret(clientSecret, client.secret_hash)) ? client : undefined;
}

/**
 * Revokes an API client: it gets no new access token, and the ones it holds stop working within
 * CLIENT_STATUS_TTL_MS on every process (src/auth/active-clients.ts). Revoking a revoked client
 * changes nothing. Returns when it was revoked, or undefined for an unknown client.
 */
export async function revokeClient(deps: ServiceDeps, clientId: string): Promise<{ revokedAt: string } | undefined> {
  const row = await revokeClientRow(deps.db, clientId, deps.clock.now().toISOString());
  return row?.revoked_at ? { revokedAt: row.revoked_at } : undefined;
}
