import { domainToASCII } from 'node:url';
import { AppError } from '../../http/errors.js';

/**
 * Email rules shared by every surface. The pattern is the one published by the
 * users-organizations document, applied to the address with its domain in punycode (so that IDN
 * domains pass and are compared in one form), with `xn--` top-level domains allowed.
 */
const EMAIL_PATTERN =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]{2,})$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_LOCAL_MAX_LENGTH = 64;

export type EmailProblem = 'INVALID_EMAIL' | 'EMAIL_TOO_LONG';

export interface CheckedEmail {
  /** Trimmed, as entered: the address mail is sent to. */
  email: string;
  /** Lower case with the domain in punycode: the form every comparison uses. */
  canonical: string;
}

export function checkEmail(input: string, maxLength = EMAIL_MAX_LENGTH): CheckedEmail | EmailProblem {
  const email = input.trim();
  if (CONTROL_CHARACTERS.test(email)) return 'INVALID_EMAIL';
  if (email.length > maxLength) return 'EMAIL_TOO_LONG';
  const at = email.lastIndexOf('@');
  if (at <= 0) return 'INVALID_EMAIL';
  const local = email.slice(0, at);
  if (local.length > EMAIL_LOCAL_MAX_LENGTH) return 'EMAIL_TOO_LONG';
  const domain = domainToASCII(email.slice(at + 1).toLowerCase());
  if (!domain || domain.length > 253) return 'INVALID_EMAIL';
  // The pattern judges the address as entered (lower-casing could turn a look-alike such as the
  // Kelvin sign into a plain ASCII letter), with its domain in punycode.
  if (!EMAIL_PATTERN.test(`${local}@${domain}`)) return 'INVALID_EMAIL';
  return { email, canonical: `${local.toLowerCase()}@${domain}` };
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
