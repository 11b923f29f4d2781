import { domainToASCII, domainToUnicode } from 'node:url';
import { AppError } from '../../http/errors.js';
import { isLookAlikeLabel } from './domain-scripts.js';

/**
 * Email rules shared by every surface. The pattern is the one published by the users-organizations
 * document, applied to the address with its domain in punycode (so that IDN domains pass and are
 * compared in one form), with `xn--` top-level domains allowed.
 */
const EMAIL_PATTERN =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]{2,})$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters an address may not hold
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, from U+0000
const ASCII = /^[\u0000-\u007f]*$/;

export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_LOCAL_MAX_LENGTH = 64;
/** RFC 1035: a label is at most 63 octets (in its ASCII form). */
export const DOMAIN_LABEL_MAX_LENGTH = 63;

export type EmailProblem = 'INVALID_EMAIL' | 'EMAIL_TOO_LONG';

export interface CheckedEmail {
  /** Trimmed, as entered: the address mail is sent to. */
  email: string;
  /** Lower case with the domain in punycode: the form every comparison uses. */
  canonical: string;
}

/**
 * The domain in punycode (lower case), or why it is refused. The mail library turns the domain as
 * entered into punycode itself, with the same IDNA mapping: a domain that the mapping would change
 * (a soft hyphen or zero-width space dropped, a full-width letter or full stop narrowed, a percent
 * escape decoded) is refused, so that mail always goes to the domain that comparisons use.
 */
function checkDomain(entered: string): string | EmailProblem {
  const lower = entered.toLowerCase();
  const ascii = domainToASCII(lower);
  if (!ascii) return 'INVALID_EMAIL';
  const asciiLabels = ascii.split('.');
  const enteredLabels = lower.split('.');
  if (asciiLabels.length !== enteredLabels.length) return 'INVALID_EMAIL';
  if (asciiLabels.some((label) => label.length > DOMAIN_LABEL_MAX_LENGTH)) return 'EMAIL_TOO_LONG';
  // A plain ASCII domain (the common case) has no script to judge: it only has to be unchanged.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: anything outside ASCII, from U+0000
  if (!/[^\u0000-\u007f]|xn--/.test(lower)) return lower === ascii ? ascii : 'INVALID_EMAIL';

  const unicodeLabels = domainToUnicode(ascii).split('.');
  if (unicodeLabels.length !== asciiLabels.length) return 'INVALID_EMAIL';
  const topLevelDomain = unicodeLabels[unicodeLabels.length - 1]!;
  for (let index = 0; index < enteredLabels.length; index++) {
    const label = enteredLabels[index]!;
    const unchanged = ASCII.test(label) ? label === asciiLabels[index] : label === unicodeLabels[index];
    if (!unchanged) return 'INVALID_EMAIL';
    // Judged in Unicode, whether it was entered so or in punycode.
    if (isLookAlikeLabel(unicodeLabels[index]!, topLevelDomain)) return 'INVALID_EMAIL';
  }
  return ascii;
}

export function checkEmail(input: string, maxLength = EMAIL_MAX_LENGTH): CheckedEmail | EmailProblem {
  // Anywhere in the value, even where trimming would remove it: a line break or NUL is never part
  // of an address, and a value carrying one was built to be something else.
  if (CONTROL_CHARACTERS.test(input)) return 'INVALID_EMAIL';
  const email = input.trim();
  if (email.length > maxLength) return 'EMAIL_TOO_LONG';
  const at = email.lastIndexOf('@');
  if (at <= 0) return 'INVALID_EMAIL';
  const local = email.slice(0, at);
  if (local.length > EMAIL_LOCAL_MAX_LENGTH) return 'EMAIL_TOO_LONG';
  const domain = checkDomain(email.slice(at + 1));
  if (domain === 'INVALID_EMAIL' || domain === 'EMAIL_TOO_LONG') return domain;
  // The pattern judges the local part as entered (lower-casing could turn a look-alike such as the
  // Kelvin sign into a plain ASCII letter), with the domain in punycode.
  if (!EMAIL_PATTERN.test(`${local}@${domain}`)) return 'INVALID_EMAIL';
  const canonical = `${local.toLowerCase()}@${domain}`;
  // What goes on the wire is the punycode form, which can be longer than the address as entered.
  if (canonical.length > maxLength) return 'EMAIL_TOO_LONG';
  return { email, canonical };
}

export function isEmailProblem(result: CheckedEmail | EmailProblem): result is EmailProblem {
  return typeof result === 'string';
}

/** The checked address, or a VALIDATION_FAILED error naming the request field it came from. */
export function requireEmail(input: string, field = 'email', maxLength = EMAIL_MAX_LENGTH): CheckedEmail {
  const checked = checkEmail(input, maxLength);
  if (!isEmailProblem(checked)) return checked;
  const message = checked === 'EMAIL_TOO_LONG' ? 'Email address is too long' : 'Invalid email format';
  throw new AppError('VALIDATION_FAILED', `${field}: ${message}.`, { fields: [{ field, message }] });
}
