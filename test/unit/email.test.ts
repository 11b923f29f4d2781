import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkEmail } from '../../src/modules/users/email.js';

describe('email addresses', () => {
  test('are trimmed, kept as entered for sending and lower-cased for comparing', () => {
    assert.deepEqual(checkEmail('  Ada.Lovelace@Example.COM '), {
      email: 'Ada.Lovelace@Example.COM',
      canonical: 'ada.lovelace@example.com',
    });
  });

  test('IDN domains are compared as punycode', () => {
    assert.deepEqual(checkEmail('anna@bücher.de'), { email: 'anna@bücher.de', canonical: 'anna@xn--bcher-kva.de' });
    assert.deepEqual(checkEmail('anna@BÜCHER.de'), { email: 'anna@BÜCHER.de', canonical: 'anna@xn--bcher-kva.de' });
  });

  test('invalid addresses are refused', () => {
    for (const bad of [
      '',
      'plainaddress',
      '@example.com',
      'user@',
      'user@example',
      '.user@example.com',
      'us..er@example.com',
      'user.@example.com',
      'user@-example.com',
      'user name@example.com',
      'user@example.com\r\nBcc: victim@example.com',
      'user\u0000@example.com',
      'user@exa mple.com',
      '\u212Aevin@example.com', // the Kelvin sign lower-cases to an ASCII k: a different mailbox
    ]) {
      assert.equal(checkEmail(bad), 'INVALID_EMAIL', JSON.stringify(bad));
    }
  });

  test('over-long addresses and local parts are refused', () => {
    assert.equal(checkEmail(`${'a'.repeat(65)}@example.com`), 'EMAIL_TOO_LONG');
    assert.equal(checkEmail(`user@${'a'.repeat(250)}.com`), 'EMAIL_TOO_LONG');
    assert.equal(checkEmail(`${'a'.repeat(60)}@${'b'.repeat(186)}.com`, 250), 'EMAIL_TOO_LONG');
  });
});
