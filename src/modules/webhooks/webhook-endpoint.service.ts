import { randomBytes } from 'node:crypto';
import { addSeconds } from '../../clock.js';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { decodeCursor, keysetPage } from '../../http/cursor.js';
import { AppError } from '../../http/errors.js';
import type { EventType } from '../events/event.types.js';
import { checkEndpointUrl } from './webhook.address.js';
import {
  countEndpointsForCreate,
  deleteWebhookEndpoint,
  type EndpointOwner,
  findWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from './webhook-endpoint.repository.js';

/** Endpoints an organization (or the platform) may have: enough for every real use, not a fan-out amplifier. */
export const MAX_ENDPOINTS = 20;

/** After a rotation the old secret keeps signing beside the new one this long. */
const PREVIOUS_SECRET_SECONDS = 24 * 3600;

export interface WebhookEndpoint {
  id: string;
  organizationId: string | null;
  url: string;
  description: string | null;
  eventTypes: Array<EventType | '*'>;
  enabled: boolean;
  /** Why Tessera disabled it, if it did. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointInput {
  url: string;
  eventTypes: Array<EventType | '*'>;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

export function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    organizationId: row.organization_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as Array<EventType | '*'>,
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `whsec_` and 32 random bytes in base64, as Standard Webhooks writes secrets. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The URL as it will be called, or a 400 naming the field: https, public addresses only (SPEC: Safety). */
async function allowedUrl(deps: ServiceDeps, url: string): Promise<string> {
  const checked = await checkEndpointUrl(url, deps.config.webhooks);
  if (checked.ok) return checked.url.href;
  throw new AppError('WEBHOOK_URL_NOT_ALLOWED', `url: ${checked.reason}`, {
    fields: [{ field: 'url', message: checked.reason }],
  });
}

/** A `*` stands alone: a list naming types beside it says two things at once. */
function eventTypesOf(types: Array<EventType | '*'>): string {
  const unique = [...new Set(types)];
  if (unique.includes('*') && unique.length > 1) {
    const message = 'either ["*"] or a list of event types';
    throw new AppError('VALIDATION_FAILED', `eventTypes: ${message}`, { fields: [{ field: 'eventTypes', message }] });
  }
  return JSON.stringify(unique);
}

async function endpointOf(deps: ServiceDeps, owner: EndpointOwner, id: string): Promise<WebhookEndpointRow> {
  const row = await findWebhookEndpoint(deps.db, owner, id);
  if (!row) throw new AppError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return row;
}

/** Creates an endpoint; the answer is the only one that shows its secret. */
export async function createWebhookEndpoint(
  deps: ServiceDeps,
  owner: EndpointOwner,
  input: EndpointInput,
): Promise<WebhookEndpoint & { secret: string }> {
  const url = await allowedUrl(deps, input.url);
  const now = deps.clock.now().toISOString();
  const secret = newSecret();
  const row = await deps.transact(async (trx) => {
    if ((await countEndpointsForCreate(trx, owner)) >= MAX_ENDPOINTS) throw new AppError('WEBHOOK_ENDPOINT_LIMIT');
    return insertWebhookEndpoint(trx, {
      id: newId(),
      organization_id: owner,
      url,
      description: input.description ?? null,
      event_types: eventTypesOf(input.eventTypes),
      enabled: input.enabled === false ? 0 : 1,
      disabled_reason: null,
      secret: deps.secrets.seal('webhook-secret', secret),
      previous_secret: null,
      previous_secret_until: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    });
  });
  return { ...toEndpoint(row), secret };
}

export async function getWebhookEndpoint(
  deps: ServiceDeps,
  owner: EndpointOwner,
  id: string,
): Promise<WebhookEndpoint> {
  return toEndpoint(await endpointOf(deps, owner, id));
}

export async function listEndpoints(
  deps: ServiceDeps,
  owner: EndpointOwner,
  input: { limit: number; cursor?: string | undefined },
): Promise<{ data: WebhookEndpoint[]; nextCursor?: string | undefined }> {
  const binding = { organizationId: owner ?? 'platform', filters: ['webhook-endpoints'] };
  const after = input.cursor === undefined ? undefined : decodeCursor(deps.secrets, binding, input.cursor);
  const rows = await listWebhookEndpoints(deps.db, owner, { after, limit: input.limit + 1 });
  const { page, nextCursor } = keysetPage(deps.secrets, binding, rows, input.limit);
  return { data: page.map(toEndpoint), nextCursor };
}

/** Changes what is given; enabling an endpoint Tessera disabled clears the reason. */
export async function changeWebhookEndpoint(
  deps: ServiceDeps,
  owner: EndpointOwner,
  id: string,
  input: Partial<EndpointInput>,
): Promise<WebhookEndpoint> {
  await endpointOf(deps, owner, id);
  const url = input.url === undefined ? undefined : await allowedUrl(deps, input.url);
  const now = deps.clock.now().toISOString();
  const row = await deps.transact((trx) =>
    updateWebhookEndpoint(trx, owner, id, {
      ...(url === undefined ? {} : { url }),
      ...(input.eventTypes === undefined ? {} : { event_types: eventTypesOf(input.eventTypes) }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.enabled === undefined
        ? {}
        : { enabled: input.enabled ? 1 : 0, disabled_reason: null, failing_since: null }),
      updated_at: now,
    }),
  );
  if (!row) throw new AppError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return toEndpoint(row);
}

export async function removeWebhookEndpoint(deps: ServiceDeps, owner: EndpointOwner, id: string): Promise<void> {
  if (!(await deps.transact((trx) => deleteWebhookEndpoint(trx, owner, id)))) {
    throw new AppError('WEBHOOK_ENDPOINT_NOT_FOUND');
  }
}

/** A new secret, shown once; the old one keeps signing beside it for 24 hours. */
export async function rotateWebhookSecret(
  deps: ServiceDeps,
  owner: EndpointOwner,
  id: string,
): Promise<WebhookEndpoint & { secret: string }> {
  const current = await endpointOf(deps, owner, id);
  const now = deps.clock.now();
  const secret = newSecret();
  const row = await deps.transact((trx) =>
    updateWebhookEndpoint(trx, owner, id, {
      secret: deps.secrets.seal('webhook-secret', secret),
      previous_secret: current.secret,
      previous_secret_until: addSeconds(now, PREVIOUS_SECRET_SECONDS).toISOString(),
      updated_at: now.toISOString(),
    }),
  );
  if (!row) throw new AppError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return { ...toEndpoint(row), secret };
}

/** The secrets that sign a delivery now: the current one, and the previous one within its 24 hours. */
export function signingSecrets(deps: ServiceDeps, row: WebhookEndpointRow): string[] {
  const now = deps.clock.now().toISOString();
  const sealed = [row.secret];
  if (row.previous_secret && row.previous_secret_until && row.previous_secret_until > now) {
    sealed.push(row.previous_secret);
  }
  return sealed.map((value) => deps.secrets.open('webhook-secret', value)).filter((value) => value !== undefined);
}
