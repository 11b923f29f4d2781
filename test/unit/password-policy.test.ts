import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordPolicyProblem } from '../../src/auth/password-policy.js';

test('the password policy names what a password lacks', () => {
  assert.equal(passwordPolicyProblem('Sup3r-secret'), undefined);
  assert.equal(passwordPolicyProblem('Sh0rt!'), 'must be at least 8 characters long');
  assert.equal(passwordPolicyProblem(`Aa1!${'x'.repeat(125)}`), 'must be at most 128 characters long');
  assert.equal(passwordPolicyProblem('lower-case-1'), 'must contain an upper-case letter');
  assert.equal(passwordPolicyProblem('UPPER-CASE-1'), 'must contain a lower-case letter');
  assert.equal(passwordPolicyProblem('No-digits-here'), 'must contain a digit');
  assert.equal(passwordPolicyProblem('NoSpecial123'), 'must contain a special character');
});
