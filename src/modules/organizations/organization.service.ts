import { randomBytes, randomUUID } from 'node:crypto';
import { hashSecret } from '../../auth/secrets.js';
import type { Executor } from '../../db/database.js';
import { asUniqueViolation } from '../../db/dialect.js';
import { newId } from '../../db/ids.js';
import type { ServiceDeps } from '../../deps.js';
import { NOT_SINGLE_LINE } from '../../http/common.schemas.js';
import { senderNameProblem } from '../../email/mailer.js';
import { AppError } from '../../http/errors.js';
import type { Locale } from '../../i18n/locales.js';
import { recordChanges, SYSTEM_ACTOR } from '../events/event.service.js';
import type { Actor, Change } from '../events/event.types.js';
import { recordRevocations } from '../invitations/invitation.manage.js';
import { transitionPending } from '../invitations/invitation.repository.js';
import { findLiveMembership, upsertMembership } from '../memberships/membership.repository.js';
import { memberView } from '../memberships/membership.service.js';
import { findBuiltinRole } from '../roles/role.repository.js';
import { createBuiltinRoles, toRole, type Role } from '../roles/role.service.js';
import { findUserByCanonicalEmail, findUserById, type UserRow } from '../users/user.repository.js';
import { requireEmail } from '../users/email.js';
import { findOrCreateUser, toPublicUser, type PublicUser } from '../users/user.service.js';
import {
  invitationLook,
  type OrganizationBranding,
  type SettingsPatch,
  settingsChanges,
} from './organization.branding.js';
import {
  findOrganizationById,
  insertOrganization,
  lockOrganization,
  slugExists,
  updateOrganization,
  type OrganizationRow,
} from './organization.repository.js';

export interface Organization {
  id: string;
  numericId: number;
  name: string;
  slug: string;
  owner: PublicUser | null;
  branding: OrganizationBranding;
  defaultLocale: Locale | null;
  timeZone: string;
  createdAt: string;
  updatedAt: string;
}

export interface OwnerInput {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  /** Used only when the owner's account is created here. */
  password?: string | undefined;
}

export interface CreateOrganizationInput {
  name: string;
  /** Derived from the name when absent. */
  slug?: string | undefined;
  owner?: OwnerInput | undefined;
  defaultLocale?: string | undefined;
  timeZone?: string | undefined;
  /** Who creates it (a platform client); the operator's CLI and the demo are the system. */
  actor?: Actor | undefined;
}

export interface CreatedOrganization {
  organization: Organization;
  owner: PublicUser | null;
  roles: Role[];
}

/**
 * The organization as its callers see it. The owner is shown as the organization knows them: the
 * names on their membership, never their account's (which other organizations may have seen typed).
 */
export function toOrganization(row: OrganizationRow, owner: PublicUser | null): Organization {
  const look = invitationLook(row);
  return {
    id: row.id,
    numericId: row.numeric_id,
    name: row.name,
    slug: row.slug,
    owner,
    branding: look.branding,
    defaultLocale: look.defaultLocale,
    timeZone: look.timeZone,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'organization';
}

/** Creates the organization, its built-in roles and, when given, its MAIN owner, in one transaction. */
export async function createOrganization(
  deps: ServiceDeps,
  input: CreateOrganizationInput,
): Promise<CreatedOrganization> {
  const name = input.name.trim();
  if (!name) {
    throw new AppError('VALIDATION_FAILED', 'The organization name must not be blank.', {
      fields: [{ field: 'name', message: 'must not be blank' }],
    });
  }
  // The route's schema says so too; the CLI has no schema. The name goes into email subjects.
  if (NOT_SINGLE_LINE.test(name)) {
    throw new AppError('VALIDATION_FAILED', 'The organization name must be one line without control characters.', {
      fields: [{ field: 'name', message: 'must be one line without control characters' }],
    });
  }
  if (input.owner) requireEmail(input.owner.email, 'owner.email');
  const settings = settingsChanges(
    { branding: null },
    { defaultLocale: input.defaultLocale, timeZone: input.timeZone },
  );
  const passwordHash = input.owner?.password ? await hashSecret(input.owner.password) : null;

  // A derived slug that is taken gets a random suffix; a chosen one that is taken is refused.
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.transact(async (trx) => {
        const slug = await pickSlug(trx, input.slug, name, attempt);
        const now = deps.clock.now().toISOString();
        let organization = await insertOrganization(trx, {
          // A v4 UUID, not a time-ordered one: the documents promise v4 ids for organizations.
          id: randomUUID(),
          name,
          slug,
          main_user_id: null,
          default_locale: settings.default_locale ?? null,
          time_zone: settings.time_zone ?? null,
          created_at: now,
          updated_at: now,
        });
        const roles = await createBuiltinRoles(trx, organization.id, now);
        let owner: PublicUser | null = null;
        if (input.owner) {
          // A platform client or the operator names the owner: a new account takes the names and password given.
          const user = await findOrCreateUser(trx, deps.clock, { ...input.owner, passwordHash });
          const names = { ...input.owner, email: requireEmail(input.owner.email).email };
          organization = await makeOwner(trx, organization, user, now, names);
          owner = ownerAsShown(user, names);
        }
        const shown = toOrganization(organization, owner);
        const base = { organizationId: organization.id, actor: input.actor ?? SYSTEM_ACTOR, occurredAt: now };
        const changes: Change[] = [{ ...base, type: 'organization.created', data: shown }];
        if (organization.main_user_id) {
          const data = await memberView(trx, organization.id, organization.main_user_id);
          changes.push({ ...base, type: 'membership.created', data });
        }
        await recordChanges(trx, changes);
        return { organization: shown, owner, roles: roles.map(toRole) };
      });
    } catch (error) {
      const violation = asUniqueViolation(error);
      if (!violation || !/slug/.test(violation.constraint)) throw error;
      if (input.slug !== undefined) throw new AppError('SLUG_TAKEN', `The slug "${input.slug}" is taken.`);
      if (attempt >= 3) throw error;
    }
  }
}

async function pickSlug(db: Executor, chosen: string | undefined, name: string, attempt: number): Promise<string> {
  if (chosen !== undefined) return chosen;
  const base = slugify(name);
  if (attempt === 0 && !(await slugExists(db, base))) return base;
  return `${base}-${randomBytes(3).toString('hex')}`;
}

/** The owner with the names their membership carries. */
interface OwnerNames {
  email?: string | null | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
}

function ownerAsShown(user: UserRow, names: OwnerNames): PublicUser {
  return toPublicUser({
    ...user,
    email: names.email ?? user.email,
    first_name: names.firstName ?? null,
    last_name: names.lastName ?? null,
  });
}

/** An ACTIVE Owner membership for the user (with the names given), and the user as the organization's MAIN user. */
async function makeOwner(db: Executor, organization: OrganizationRow, user: UserRow, now: string, names: OwnerNames) {
  const ownerRole = await findBuiltinRole(db, organization.id, 'OWNER');
  if (!ownerRole) throw new Error(`organization ${organization.id} has no Owner role`);
  await upsertMembership(db, {
    id: newId(),
    organization_id: organization.id,
    user_id: user.id,
    role_id: ownerRole.id,
    scope: 1,
    permissions: JSON.stringify({ group: 0, read: [], manage: [] }),
    metadata: null,
    first_name: names.firstName ?? null,
    last_name: names.lastName ?? null,
    email: names.email ?? user.email,
    status: 'ACTIVE',
    created_at: now,
    updated_at: now,
    deleted_at: null,
  });
  const updated = await updateOrganization(db, organization.id, { main_user_id: user.id, updated_at: now });
  return updated ?? organization;
}

export async function getOrganization(deps: ServiceDeps, organizationId: string): Promise<Organization> {
  const row = await findOrganizationById(deps.db, organizationId);
  if (!row) throw new AppError('ORGANIZATION_NOT_FOUND');
  return toOrganization(row, row.main_user_id ? await ownerOf(deps.db, row.id, row.main_user_id) : null);
}

async function ownerOf(db: Executor, organizationId: string, userId: string): Promise<PublicUser | null> {
  const user = await findUserById(db, userId);
  if (!user) return null;
  const membership = await findLiveMembership(db, organizationId, userId);
  return ownerAsShown(user, {
    email: membership?.email,
    firstName: membership?.first_name ?? null,
    lastName: membership?.last_name ?? null,
  });
}

/**
 * Assigns or changes the MAIN user (created without a password when unknown: they set one through
 * an invitation or sign-in flow of their own). The previous owner stays a member with the role
 * they had; a pending invitation of the new owner's address is revoked, having nothing left to do.
 *
 * With `membersOnly` (every caller but a platform client), the new owner must already be an active
 * member: anyone else would become an Owner without having agreed to, and the answer, which shows
 * the owner's profile, would tell the caller whether the address has an account elsewhere. The
 * refusal is the same whether it has one or not.
 */
export async function assignOwner(
  deps: ServiceDeps,
  organizationId: string,
  input: Omit<OwnerInput, 'password'>,
  options: { membersOnly: boolean; actor: Actor },
): Promise<Organization> {
  const { canonical } = requireEmail(input.email);
  return deps.transact(async (trx) => {
    const organization = await findOrganizationById(trx, organizationId);
    if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
    if (options.membersOnly && !(await isActiveMember(trx, organizationId, canonical))) {
      const message = 'must be an active member of the organization';
      throw new AppError('VALIDATION_FAILED', `email: The new owner ${message}.`, {
        fields: [{ field: 'email', message }],
      });
    }
    const now = deps.clock.now().toISOString();
    const owner = await findOrCreateUser(trx, deps.clock, { email: input.email });
    const revoked = await transitionPending(trx, { organizationId, emailCanonicals: [canonical] }, now, {
      status: 'REVOKED',
      revoked_at: now,
    });
    await recordRevocations(trx, revoked, options.actor, now);
    // Names given here are this organization's for the owner; without them, the ones it had stay.
    const current = await findLiveMembership(trx, organizationId, owner.id);
    const names = {
      email: current?.email ?? requireEmail(input.email).email,
      firstName: input.firstName ?? current?.first_name ?? null,
      lastName: input.lastName ?? current?.last_name ?? null,
    };
    const shown = toOrganization(await makeOwner(trx, organization, owner, now, names), ownerAsShown(owner, names));
    const base = { organizationId, actor: options.actor, occurredAt: now };
    const membership = await memberView(trx, organizationId, owner.id);
    await recordChanges(trx, [
      { ...base, type: 'organization.updated', data: shown },
      { ...base, type: current ? 'membership.updated' : 'membership.created', data: membership },
    ]);
    return shown;
  });
}

async function isActiveMember(db: Executor, organizationId: string, canonicalEmail: string): Promise<boolean> {
  const user = await findUserByCanonicalEmail(db, canonicalEmail);
  const membership = user ? await findLiveMembership(db, organizationId, user.id) : undefined;
  return membership?.status === 'ACTIVE';
}

export interface UpdateOrganizationInput extends SettingsPatch {
  name?: string | undefined;
}

/**
 * Changes the organization's name, brand, default locale or time zone: the fields given, each
 * checked (`settingsChanges`), all or nothing. The change is recorded as `organization.updated`.
 * Invitations already queued keep the look they were made with; the next ones take the new one.
 */
export async function updateOrganizationSettings(
  deps: ServiceDeps,
  organizationId: string,
  input: UpdateOrganizationInput,
  actor: Actor,
): Promise<Organization> {
  const name = input.name?.trim();
  const nameProblem = name === '' ? 'must not be blank' : name === undefined ? undefined : senderNameProblem(name);
  if (nameProblem) {
    throw new AppError('VALIDATION_FAILED', `name ${nameProblem}`, {
      fields: [{ field: 'name', message: nameProblem }],
    });
  }
  return deps.transact(async (trx) => {
    const organization = await lockOrganization(trx, organizationId);
    if (!organization) throw new AppError('ORGANIZATION_NOT_FOUND');
    const changes = settingsChanges(organization, input);
    const now = deps.clock.now().toISOString();
    const updated = await updateOrganization(trx, organizationId, {
      ...changes,
      ...(name ? { name } : {}),
      updated_at: now,
    });
    const shown = toOrganization(
      updated!,
      updated!.main_user_id ? await ownerOf(trx, organizationId, updated!.main_user_id) : null,
    );
    await recordChanges(trx, [{ type: 'organization.updated', organizationId, actor, occurredAt: now, data: shown }]);
    return shown;
  });
}
