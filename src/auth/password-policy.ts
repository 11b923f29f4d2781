import { AppError } from '../http/errors.js';

/**
 * The password policy of the organization-users-invite document, used everywhere a password is
 * set: 8 to 128 characters with an upper-case letter, a lower-case letter, a digit and a special
 * character. Returns what is missing, or undefined when the password passes.
 */
export function passwordPolicyProblem(password: string): string | undefined {
  if (password.length < 8) return 'must be at least 8 characters long';
  if (password.length > 128) return 'must be at most 128 characters long';
  if (!/\p{Lu}/u.test(password)) return 'must contain an upper-case letter';
  if (!/\p{Ll}/u.test(password)) return 'must contain a lower-case letter';
  if (!/\p{Nd}/u.test(password)) return 'must contain a digit';
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) return 'must contain a special character';
  return undefined;
}

/** Refuses a password that fails the policy: a 400 naming the field (`password`, or where it sat in a batch). */
export function assertPasswordPolicy(password: string, field = 'password'): void {
  const problem = passwordPolicyProblem(password);
  if (problem) throw new AppError('PASSWORD_POLICY', `${field} ${problem}`, { fields: [{ field, message: problem }] });
}
