import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { sha256 } from '../auth/secrets.js';
import type { ServiceDeps } from '../deps.js';
import { AppError } from './errors.js';
import {
  deleteIdempotencyKey,
  deleteStaleIdempotencyKey,
  findIdempotencyKey,
  reserveIdempotencyKey,
  storeIdempotentResponse,
} from './idempotency.repository.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A key is remembered this long; after that it may be used again. */
const RETENTION_MS = 24 * 60 * 60 * 1000;
/** A first request still unanswered after this long has died (a crash mid-request): run it again. */
const ABANDONED_MS = 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** Plaintext accept URLs are shown once and never stored, not even for a replay. */
function withoutAcceptUrls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAcceptUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'acceptUrl')
        .map(([key, inner]) => [key, withoutAcceptUrls(inner)]),
    );
  }
  return value;
}

function principalKey(principal: Principal): string {
  return principal.kind === 'client' ? `client:${principal.clientId}` : `user:${principal.userId}`;
}

/**
 * Runs a write at most once per `Idempotency-Key`: the same key with the same body gets the stored
 * response again (`Idempotent-Replayed: true`); the same key with another body is 422; a key whose
 * first request is still running is 409. Without the header, the write just runs.
 */
export async function idempotent(
  deps: ServiceDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: string,
  principal: Principal,
  run: () => Promise<StoredResponse>,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    const { status, body } = await run();
    return reply.status(status).send(body);
  }
  const key = Array.isArray(header) ? header[0]! : header;
  if (!KEY_PATTERN.test(key)) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 printable ASCII characters.', {
      fields: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }],
    });
  }
  const scope = `${principalKey(principal)}:${operation}`;
  const requestHash = sha256(JSON.stringify(request.body ?? null));
  const now = deps.clock.now();

  // Forget keys past their retention, and reservations whose request died without an answer.
  await deleteStaleIdempotencyKey(deps.db, scope, key, {
    expiredBefore: new Date(now.getTime() - RETENTION_MS).toISOString(),
    abandonedBefore: new Date(now.getTime() - ABANDONED_MS).toISOString(),
  });
  const reserved = await reserveIdempotencyKey(deps.db, {
    scope,
    key,
    request_hash: requestHash,
    status_code: null,
    response_body: null,
    created_at: now.toISOString(),
  });

  if (!reserved) {
    const stored = await findIdempotencyKey(deps.db, scope, key);
    if (!stored) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS');
    if (stored.request_hash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (stored.status_code === null) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS');
    reply.header('idempotent-replayed', 'true');
    return reply.status(stored.status_code).send(JSON.parse(stored.response_body ?? 'null'));
  }

  const remember = (response: StoredResponse) =>
    storeIdempotentResponse(deps.db, scope, key, {
      status_code: response.status,
      response_body: JSON.stringify(withoutAcceptUrls(response.body)),
    });
  let response: StoredResponse;
  try {
    response = await run();
  } catch (error) {
    // Nothing was written: release the key, so that a retry runs the request again.
    await deleteIdempotencyKey(deps.db, scope, key);
    throw error;
  }
  await remember(response);
  return reply.status(response.status).send(response.body);
}
