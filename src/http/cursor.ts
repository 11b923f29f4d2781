import type { AppSecrets } from '../auth/app-secrets.js';
import { sha256 } from '../auth/secrets.js';
import { AppError } from './errors.js';

/** A keyset position: the (created_at, id) of the last row of a page. */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

interface CursorPayload {
  o: string;
  f: string;
  c: string;
  i: string;
}

/** What a cursor is bound to: the organization and a digest of the query's filters and order. */
export interface CursorBinding {
  organizationId: string;
  filters: unknown;
}

function filterDigest(filters: unknown): string {
  return sha256(JSON.stringify(filters)).slice(0, 16);
}

/**
 * An opaque, signed cursor: tamper-evident, and valid only for the organization and filters it was
 * made for, so it can be neither forged nor replayed into other data.
 */
export function encodeCursor(secrets: AppSecrets, binding: CursorBinding, position: KeysetPosition): string {
  const payload: CursorPayload = {
    o: binding.organizationId,
    f: filterDigest(binding.filters),
    c: position.createdAt,
    i: position.id,
  };
  return secrets.sign('cursor-sign', payload);
}

/** The position a cursor holds, or INVALID_CURSOR (400) naming the parameter it came in. */
export function decodeCursor(
  secrets: AppSecrets,
  binding: CursorBinding,
  cursor: string,
  field = 'cursor',
): KeysetPosition {
  const payload = secrets.verify('cursor-sign', cursor) as Partial<CursorPayload> | undefined;
  if (
    !payload ||
    payload.o !== binding.organizationId ||
    payload.f !== filterDigest(binding.filters) ||
    typeof payload.c !== 'string' ||
    typeof payload.i !== 'string'
  ) {
    throw new AppError(
      'INVALID_CURSOR',
      `Pass back the ${field} of the previous page unchanged, with the same filters.`,
      {
        fields: [{ field, message: 'is not valid for this query' }],
      },
    );
  }
  return { createdAt: payload.c, id: payload.i };
}

/**
 * A page cut from rows read one past the limit: the rows to answer, and the cursor to the next
 * page when there is one (absent on the last page).
 */
export function keysetPage<Row extends { created_at: string; id: string }>(
  secrets: AppSecrets,
  binding: CursorBinding,
  rows: Row[],
  limit: number,
): { page: Row[]; nextCursor: string | undefined } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const more = rows.length > limit && last !== undefined;
  return {
    page,
    nextCursor: more ? encodeCursor(secrets, binding, { createdAt: last.created_at, id: last.id }) : undefined,
  };
}
