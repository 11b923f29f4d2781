import type { ServiceDeps } from '../../deps.js';
import { AppError, type ErrorCode } from '../../http/errors.js';
import { DEFAULT_PERMISSIONS, type MembershipPermissions } from '../memberships/membership.permissions.js';
import type { UserRow } from '../users/user.repository.js';

/** The rules every phase of an invitation's life shares: defined once, here. */

export const METADATA_MAX_BYTES = 4096;

export function fieldError(code: ErrorCode, field: string, message: string): AppError {
  return new AppError(code, message, { fields: [{ field, message }] });
}

export function fullName(first: string | null | undefined, last: string | null | undefined): string | null {
  return [first, last].filter(Boolean).join(' ').trim() || null;
}

export function displayName(user: Pick<UserRow, 'first_name' | 'last_name' | 'email'>): string {
  return fullName(user.first_name, user.last_name) ?? user.email;
}

/**
 * Invitation links may only send people back to origins the operator allowed. The URL is kept as
 * the WHATWG parser writes it (spaces and other characters percent-encoded): it goes into a
 * `Location` header after the accept has committed, where a raw one would fail.
 */
export function normalizeRedirectUrl(deps: Pick<ServiceDeps, 'config'>, value: string): string | AppError {
  try {
    const url = new URL(value);
    if (/^https?:$/.test(url.protocol) && deps.config.allowedRedirectOrigins.includes(url.origin)) return url.href;
  } catch {
    // not a URL at all: refused below
  }
  return fieldError(
    'REDIRECT_URL_NOT_ALLOWED',
    'redirectUrl',
    // The allowed origins are not listed: they are every tenant's, and one tenant's admin has no
    // business learning the others' applications.
    'The redirect URL must be http(s) on an origin allowed by ALLOWED_REDIRECT_ORIGINS.',
  );
}

/** The metadata as stored (JSON text), or the refusal when it is over the limit. */
export function storedMetadata(metadata: Record<string, unknown> | null | undefined): string | null | AppError {
  const text = metadata ? JSON.stringify(metadata) : null;
  if (text && Buffer.byteLength(text) > METADATA_MAX_BYTES) {
    return fieldError('VALIDATION_FAILED', 'metadata', `must be at most ${METADATA_MAX_BYTES} bytes of JSON`);
  }
  return text;
}

/** The permissions as stored: the given ones over the defaults, or null when none were given. */
export function storedPermissions(permissions: Partial<MembershipPermissions> | null | undefined): string | null {
  return permissions ? JSON.stringify({ ...DEFAULT_PERMISSIONS, ...permissions }) : null;
}

/** The permissions a membership made from an invitation starts with. */
export function membershipPermissions(invitationPermissions: string | null): string {
  return invitationPermissions ?? JSON.stringify(DEFAULT_PERMISSIONS);
}
