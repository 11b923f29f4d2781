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

/** The longest personal message an inviter may add, in characters. */
export const MESSAGE_MAX_LENGTH = 500;

// Line breaks and tabs are kept; every other control character (and bidi overrides, which could
// make the quotation read as something else) is refused.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a message must not carry
const MESSAGE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * The inviter's personal message as stored: plain text (shown escaped, never as markup), line
 * breaks normalized to `\n`, blank as none. The surfaces' schemas check the same; this covers
 * callers without one.
 */
export function personalMessage(value: string | null | undefined): string | null | AppError {
  if (value === null || value === undefined) return null;
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (text === '') return null;
  if ([...text].length > MESSAGE_MAX_LENGTH)
    return fieldError('VALIDATION_FAILED', 'message', `must be at most ${MESSAGE_MAX_LENGTH} characters`);
  if (MESSAGE_FORBIDDEN.test(text))
    return fieldError('VALIDATION_FAILED', 'message', 'must be plain text without control characters');
  return text;
}
