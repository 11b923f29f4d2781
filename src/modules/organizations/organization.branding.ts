import { senderNameProblem } from '../../email/mailer.js';
import { AppError, type FieldError } from '../../http/errors.js';
import { isLocale, type Locale, UNSUPPORTED_LOCALE } from '../../i18n/locales.js';
import { requireEmail } from '../users/email.js';
import type { OrganizationRow } from './organization.repository.js';

/**
 * An organization's brand, language and clock: what its invitations look like and speak. Each
 * brand field is optional; what is absent falls back to Tessera's own look.
 */
export interface OrganizationBranding {
  /** The name invitations show and send from; absent: the organization's name. */
  displayName: string | null;
  /** An https image URL, shown at the top of the email and the page. */
  logoUrl: string | null;
  /** `#rrggbb`, readable as the background of white text (contrast at least 4.5:1). */
  accentColor: string | null;
  supportEmail: string | null;
}

/** How an organization's invitations look and speak, resolved against the service's defaults. */
export interface InvitationLook {
  displayName: string;
  branding: OrganizationBranding;
  /** The organization's own default locale, or null to take the service's. */
  defaultLocale: Locale | null;
  timeZone: string;
}

export const NO_BRANDING: OrganizationBranding = Object.freeze({
  displayName: null,
  logoUrl: null,
  accentColor: null,
  supportEmail: null,
});

export const DEFAULT_TIME_ZONE = 'UTC';

/** The stored brand (a JSON object), every field present. */
export function brandingOf(row: Pick<OrganizationRow, 'branding'>): OrganizationBranding {
  if (!row.branding) return NO_BRANDING;
  return { ...NO_BRANDING, ...(JSON.parse(row.branding) as Partial<OrganizationBranding>) };
}

export function invitationLook(
  row: Pick<OrganizationRow, 'name' | 'branding' | 'default_locale' | 'time_zone'>,
): InvitationLook {
  const branding = brandingOf(row);
  return {
    displayName: branding.displayName ?? row.name,
    branding,
    defaultLocale: isLocale(row.default_locale) ? row.default_locale : null,
    timeZone: row.time_zone ?? DEFAULT_TIME_ZONE,
  };
}

/** WCAG 2 relative luminance of an sRGB `#rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The WCAG contrast ratio of a colour against white, from 1 (white) to 21 (black). */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/** The accent colour is the background of white text (buttons): AA contrast for normal text. */
export const MIN_ACCENT_CONTRAST = 4.5;

/**
 * A time zone as the IANA database names it (`Europe/Paris`, `America/Argentina/Buenos_Aires`,
 * `UTC`), in the spelling of Node's ICU (which may be an older name: `Asia/Calcutta`). Undefined when `Intl` does not know it, or when it
 * is not a zone name (an offset such as `+01:00` is not: it ignores daylight saving time).
 */
export function canonicalTimeZone(value: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) return undefined;
  const listed = zoneNames().get(value.toLowerCase());
  if (listed) return listed;
  try {
    // An alias (`US/Pacific`) is stored as the zone ICU resolves it to: one spelling per zone, so
    // that letter-case variants cannot multiply what is stored and formatted.
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

let zones: Map<string, string> | undefined;
/** ICU's zone names (Node's own list, so a name it writes is one it reads), by lower case. */
function zoneNames(): Map<string, string> {
  zones ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));
  return zones;
}

export interface BrandingPatch {
  displayName?: string | null | undefined;
  logoUrl?: string | null | undefined;
  accentColor?: string | null | undefined;
  supportEmail?: string | null | undefined;
}

export interface SettingsPatch {
  branding?: BrandingPatch | undefined;
  defaultLocale?: string | null | undefined;
  timeZone?: string | null | undefined;
}

/**
 * Checks a change of brand, locale and time zone, and returns the columns to write. Every problem
 * is reported at once, each naming its field; nothing is written when there is one.
 */
export function settingsChanges(
  current: Pick<OrganizationRow, 'branding'>,
  patch: SettingsPatch,
): { branding?: string | null; default_locale?: string | null; time_zone?: string | null } {
  const problems: FieldError[] = [];
  const changes: { branding?: string | null; default_locale?: string | null; time_zone?: string | null } = {};

  if (patch.branding !== undefined) {
    const next: OrganizationBranding = { ...brandingOf(current) };
    const given = patch.branding;
    if (given.displayName !== undefined) {
      const name = given.displayName?.trim() ?? null;
      const problem = name === '' ? 'must not be blank' : name ? senderNameProblem(name) : undefined;
      if (problem) problems.push({ field: 'branding.displayName', message: problem });
      next.displayName = name || null;
    }
    if (given.logoUrl !== undefined) {
      const problem = given.logoUrl === null ? undefined : logoUrlProblem(given.logoUrl);
      if (problem) problems.push({ field: 'branding.logoUrl', message: problem });
      else next.logoUrl = given.logoUrl === null ? null : new URL(given.logoUrl.trim()).href;
    }
    if (given.accentColor !== undefined) {
      const colour = given.accentColor?.toLowerCase() ?? null;
      if (colour !== null) {
        const ratio = contrastWithWhite(colour);
        if (ratio < MIN_ACCENT_CONTRAST) {
          problems.push({
            field: 'branding.accentColor',
            message: `has a contrast of ${ratio.toFixed(2)}:1 against white; white text on it needs at least ${MIN_ACCENT_CONTRAST}:1 (choose a darker colour)`,
          });
        }
      }
      next.accentColor = colour;
    }
    if (given.supportEmail !== undefined) {
      if (given.supportEmail === null) next.supportEmail = null;
      else {
        try {
          next.supportEmail = requireEmail(given.supportEmail, 'branding.supportEmail').email;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          problems.push(...(error.fields ?? [{ field: 'branding.supportEmail', message: 'is not a valid address' }]));
        }
      }
    }
    const empty = Object.values(next).every((value) => value === null);
    changes.branding = empty ? null : JSON.stringify(next);
  }

  if (patch.defaultLocale !== undefined) {
    if (patch.defaultLocale !== null && !isLocale(patch.defaultLocale))
      problems.push({ field: 'defaultLocale', message: UNSUPPORTED_LOCALE });
    changes.default_locale = patch.defaultLocale;
  }

  if (patch.timeZone !== undefined) {
    const zone = patch.timeZone === null ? null : canonicalTimeZone(patch.timeZone.trim());
    if (zone === undefined)
      problems.push({ field: 'timeZone', message: 'must be an IANA time zone name, such as Europe/Paris or UTC' });
    changes.time_zone = zone ?? null;
  }

  if (problems.length > 0) {
    const detail = problems.map((problem) => `${problem.field} ${problem.message}`).join('; ');
    throw new AppError('VALIDATION_FAILED', detail, { fields: problems });
  }
  return changes;
}

const DNS_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function logoUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  // The origin goes into the page's content security policy: a host name of letters, digits and
  // dashes only (punycode for others), so that nothing else (`*`, `;`, `,`) can reach the header.
  if (!DNS_NAME.test(url.hostname)) return 'must have a host name (letters, digits, dashes and dots)';
  return undefined;
}
