import { assertRoleAssignable, type OrganizationAccess } from '../../auth/authorize.js';
import { randomToken, sha256 } from '../../auth/secrets.js';
import { addSeconds } from '../../clock.js';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import type { MembershipPermissions } from '../memberships/membership.permissions.js';
import { findRoleById, findRoleByName, listRoles, type RoleRow } from '../roles/role.repository.js';
import { checkEmail, EMAIL_MAX_LENGTH, isEmailProblem } from '../users/email.js';
import type { InvitationRow } from './invitation.repository.js';
import { isLocale, UNSUPPORTED_LOCALE } from '../../i18n/locales.js';
import {
  fieldError,
  normalizeRedirectUrl,
  personalMessage,
  storedMetadata,
  storedPermissions,
} from './invitation.rules.js';

/** One invitation a caller asks for, in the service's terms (each surface maps its document to this). */
export interface InvitationRequest {
  email: string;
  /** One of roleId or roleName; neither means Member. */
  roleId?: string | undefined;
  roleName?: string | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  permissions?: Partial<MembershipPermissions> | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  expiresInDays?: number | undefined;
  redirectUrl?: string | null | undefined;
  /** Default true. False: no email; the response carries the accept URL, once. */
  sendEmail?: boolean | undefined;
  /**
   * A password chosen by the inviter (the caller checked its policy). It becomes the password of the
   * account that accepting creates, provisional and for this organization only. It is hashed only
   * once every other check and the limits have passed.
   */
  password?: string | undefined;
  /** The email's and the page's language; default: the organization's, else DEFAULT_LOCALE. */
  locale?: string | undefined;
  /** The inviter's personal message: plain text, at most 500 characters. */
  message?: string | null | undefined;
}

/** An item that passed its own checks: the row to write and what goes with it. */
export interface PreparedItem {
  index: number;
  canonical: string;
  /** The whole row as written: the response is made from it, not read back. */
  row: InvitationRow;
  token: string;
  sendEmail: boolean;
  password: string | undefined;
  roleName: string;
}

/** What every item of one request shares. */
export interface ItemContext {
  deps: ServiceDeps;
  access: OrganizationAccess;
  roles: RoleRow[];
  inviter: { userId: string | null; clientId: string | null };
  emailMaxLength: number | undefined;
  now: Date;
  /** Canonical addresses of the items before this one: an address twice in a request is refused. */
  seen: Set<string>;
}

/** The roles the requests can name: one request reads its one role, a bulk reads them all. */
export async function rolesFor(
  deps: ServiceDeps,
  organizationId: string,
  requests: InvitationRequest[],
): Promise<RoleRow[]> {
  if (requests.length !== 1) return listRoles(deps.db, organizationId);
  const [request] = requests as [InvitationRequest];
  const role =
    request.roleId !== undefined
      ? await findRoleById(deps.db, organizationId, request.roleId)
      : await findRoleByName(deps.db, organizationId, request.roleName ?? 'Member');
  return role ? [role] : [];
}

function resolveRole(roles: RoleRow[], request: InvitationRequest): RoleRow | AppError {
  if (request.roleId !== undefined) {
    return (
      roles.find((role) => role.id === request.roleId) ??
      fieldError('UNKNOWN_ROLE', 'roleId', 'No role with this id in the organization.')
    );
  }
  const name = (request.roleName ?? 'Member').trim().toLowerCase();
  return (
    roles.find((role) => role.name_canonical === name) ??
    fieldError('UNKNOWN_ROLE', 'roleName', `No role named "${request.roleName}" in the organization.`)
  );
}

function assignable(access: OrganizationAccess, role: RoleRow): AppError | undefined {
  try {
    assertRoleAssignable(access, JSON.parse(role.permissions) as string[]);
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

/**
 * Every check one item can pass or fail on its own (address, duplicate within the request, role,
 * metadata, redirect): the row it would write, or why not. Members, pending invitations and the
 * limits are the request's to decide, together.
 */
export function prepareItem(context: ItemContext, request: InvitationRequest, index: number): PreparedItem | AppError {
  const { deps, access, now } = context;
  const checked = checkEmail(request.email, context.emailMaxLength ?? EMAIL_MAX_LENGTH);
  if (isEmailProblem(checked)) {
    const message = checked === 'EMAIL_TOO_LONG' ? 'Email address is too long' : 'Invalid email format';
    return fieldError('VALIDATION_FAILED', 'email', message);
  }
  if (context.seen.has(checked.canonical)) {
    return fieldError('DUPLICATE_EMAIL', 'email', `${checked.email} appears more than once in the request.`);
  }
  context.seen.add(checked.canonical);
  const role = resolveRole(context.roles, request);
  if (role instanceof AppError) return role;
  const notAssignable = assignable(access, role);
  if (notAssignable) return notAssignable;
  const metadata = storedMetadata(request.metadata);
  if (metadata instanceof AppError) return metadata;
  const redirectUrl = request.redirectUrl ? normalizeRedirectUrl(deps, request.redirectUrl) : null;
  if (redirectUrl instanceof AppError) return redirectUrl;

  const locale = request.locale ?? access.organization.default_locale ?? deps.config.defaultLocale;
  if (!isLocale(locale)) return fieldError('VALIDATION_FAILED', 'locale', UNSUPPORTED_LOCALE);
  const message = personalMessage(request.message);
  if (message instanceof AppError) return message;

  const days = request.expiresInDays ?? deps.config.invitationExpiryDays;
  const sendEmail = request.sendEmail ?? true;
  const token = randomToken();
  const nowIso = now.toISOString();
  return {
    index,
    canonical: checked.canonical,
    token,
    sendEmail,
    password: request.password,
    roleName: role.name,
    row: {
      id: newId(),
      organization_id: access.organization.id,
      email: checked.email,
      email_canonical: checked.canonical,
      role_id: role.id,
      status: 'PENDING',
      token_hash: sha256(token),
      inviter_user_id: context.inviter.userId,
      inviter_client_id: context.inviter.clientId,
      first_name: request.firstName ?? null,
      last_name: request.lastName ?? null,
      permissions: storedPermissions(request.permissions),
      metadata,
      password_hash: null,
      redirect_url: redirectUrl,
      expires_at: addSeconds(now, days * 86_400).toISOString(),
      created_at: nowIso,
      updated_at: nowIso,
      accepted_at: null,
      accepted_user_id: null,
      declined_at: null,
      revoked_at: null,
      last_sent_at: null,
      send_count: 0,
      link_delivery: sendEmail ? 'EMAIL' : 'RESPONSE',
      locale,
      message,
    },
  };
}
