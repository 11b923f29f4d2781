import { AppError } from '../http/errors.js';

/**
 * The password policy of the organization-users-invite document, used everywhere a password is
 * set: 8 to 128 characters with an upper-case letter, a lower-case letter, a digit and a special
 * character. Returns what is missing, or undefined when the password passes.
 */
export function passwordPolicyProblem(password: string): string | undefined {
  const rule = brokenPasswordRule(password);
  return rule && PROBLEMS[rule];
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** The part of the policy a password breaks first (the pages say it in the reader's language). */
export type PasswordRule = 'tooShort' | 'tooLong' | 'upper' | 'lower' | 'digit' | 'special';

const PROBLEMS: Record<PasswordRule, string> = {
  tooShort: `must be at least ${PASSWORD_MIN_LENGTH} characters long`,
  tooLong: `must be at most ${PASSWORD_MAX_LENGTH} characters long`,
  upper: 'must contain an upper-case letter',
  lower: 'must contain a lower-case letter',
  digit: 'must contain a digit',
  special: 'must contain a special character',
};

export function brokenPasswordRule(password: string): PasswordRule | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return 'tooShort';
  if (password.length > PASSWORD_MAX_LENGTH) return 'tooLong';
  if (!/\p{Lu}/u.test(password)) return 'upper';
  if (!/\p{Ll}/u.test(password)) return 'lower';
  if (!/\p{Nd}/u.test(password)) return 'digit';
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) return 'special';
  return undefined;
}

/** Refuses a password that fails the policy: a 400 naming the field (`password`, or where it sat in a batch). */
export function assertPasswordPolicy(password: string, field = 'password'): void {
  const problem = passwordPolicyProblem(password);
  if (problem) throw new AppError('PASSWORD_POLICY', `${field} ${problem}`, { fields: [{ field, message: problem }] });
}
