import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { domainToASCII } from 'node:url';
import { checkEmail, isEmailProblem } from '../../src/modules/users/email.js';

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

describe('email addresses: abuse', () => {
  test('CR, LF, NUL and other control characters are refused anywhere, even where trimming would drop them', () => {
    for (const bad of [
      'user@example.com\r\n',
      '\nuser@example.com',
      'user@example.com\r\nBcc: victim@example.com',
      'user@example.com\nBcc: victim@example.com',
      'user@example.com%0d%0aBcc:victim@example.com',
      'user\r@example.com',
      'user@exam\u0000ple.com',
      'user@example.com\u0000',
      'user\t@example.com',
      'user@example.com\u0085',
      'user@example.com\u2028Bcc: victim@example.com',
      'user\u001b@example.com',
      'user@example.com\u007f',
    ]) {
      assert.equal(checkEmail(bad), 'INVALID_EMAIL', JSON.stringify(bad));
    }
  });

  test('a local part of 64 characters passes, 65 is too long', () => {
    assert.ok(!isEmailProblem(checkEmail(`${'a'.repeat(64)}@example.com`)));
    assert.equal(checkEmail(`${'a'.repeat(65)}@example.com`), 'EMAIL_TOO_LONG');
  });

  test('a domain label of 63 characters passes, 64 is too long, also when only its punycode is', () => {
    assert.ok(!isEmailProblem(checkEmail(`user@${'a'.repeat(63)}.example.com`)));
    assert.equal(checkEmail(`user@${'a'.repeat(64)}.example.com`), 'EMAIL_TOO_LONG');
    assert.equal(checkEmail(`user@example.${'a'.repeat(64)}`), 'EMAIL_TOO_LONG');
    // 60 characters as entered, more than 63 in punycode.
    const unicodeLabel = 'ü'.repeat(60);
    assert.ok(domainToASCII(`${unicodeLabel}.de`).split('.')[0]!.length > 63);
    assert.equal(checkEmail(`user@${unicodeLabel}.de`), 'EMAIL_TOO_LONG');
  });

  test('the whole address: 254 passes, 255 is too long; 250 where a document says so', () => {
    const exactly = (length: number) =>
      `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(length - 64 - 1 - 63 - 1 - 63 - 1 - 4)}.com`;
    assert.equal(exactly(254).length, 254);
    assert.ok(!isEmailProblem(checkEmail(exactly(254))));
    assert.equal(checkEmail(exactly(255)), 'EMAIL_TOO_LONG');
    assert.ok(!isEmailProblem(checkEmail(exactly(250), 250)));
    assert.equal(checkEmail(exactly(251), 250), 'EMAIL_TOO_LONG');
  });

  test('an address short as entered but over the limit in punycode is too long', () => {
    const label = '日本語例題試験検査確認登録'; // 13 characters, 45 in punycode
    const address = `${'a'.repeat(64)}@${[label, label, label, label].join('.')}.jp`;
    assert.ok(address.length <= 254 && `${'a'.repeat(64)}@${domainToASCII(address.split('@')[1]!)}`.length > 250);
    assert.ok(!isEmailProblem(checkEmail(address)));
    assert.equal(checkEmail(address, 250), 'EMAIL_TOO_LONG');
    const longer = `${'a'.repeat(64)}@${[label, label, label, label, label].join('.')}.jp`;
    assert.ok(longer.length <= 254);
    assert.equal(checkEmail(longer), 'EMAIL_TOO_LONG');
  });

  test('an IDN domain and its punycode are one address, kept as entered for sending', () => {
    const unicode = checkEmail('user@bücher.example');
    const punycode = checkEmail('user@xn--bcher-kva.example');
    const upper = checkEmail('USER@BÜCHER.EXAMPLE');
    assert.deepEqual(unicode, { email: 'user@bücher.example', canonical: 'user@xn--bcher-kva.example' });
    assert.deepEqual(punycode, { email: 'user@xn--bcher-kva.example', canonical: 'user@xn--bcher-kva.example' });
    assert.deepEqual(upper, { email: 'USER@BÜCHER.EXAMPLE', canonical: 'user@xn--bcher-kva.example' });
    assert.deepEqual(checkEmail('anna@пример.рф'), {
      email: 'anna@пример.рф',
      canonical: 'anna@xn--e1afmkfd.xn--p1ai',
    });
  });

  test('a domain that IDNA mapping would change is refused: mail would go elsewhere than it is compared', () => {
    for (const bad of [
      'user@exa\u00admple.com', // soft hyphen, dropped by the mapping
      'user@exa\u200bmple.com', // zero-width space, dropped
      'user@exa\ufeffmple.com', // zero-width no-break space, dropped
      'user@ＥＸＡＭＰＬＥ.com', // full-width letters, narrowed
      'user@example\u3002com', // ideographic full stop, read as a dot
      'user@exa%41mple.com', // a percent escape, decoded
      'user@bu\u0308cher.example', // decomposed ü: its punycode would differ from the composed one
      'user@xn--zz.com', // not valid punycode
      'user@exa\u202emple.com', // right-to-left override
    ]) {
      assert.equal(checkEmail(bad), 'INVALID_EMAIL', JSON.stringify(bad));
    }
  });

  test('labels that mix Latin with Cyrillic or Greek are refused, in Unicode and in punycode', () => {
    for (const bad of [
      'user@p\u0430ypal.com', // Cyrillic а
      'user@xn--pypal-4ve.com', // the same, in punycode
      'user@g\u043e\u043egle.com', // Cyrillic о
      'user@xn--ggle-55da.com',
      'user@g\u03bf\u03bfgle.com', // Greek ο
      'user@micr\u043esoft.example.com', // in a lower label
      'user@example.c\u043em', // in the top-level domain
      'user@\u0430\u0440\u0440\u04cf\u0435.com', // аррӏе: wholly Cyrillic, only Latin look-alikes
      'user@xn--80ak6aa92e.com', // the same, in punycode
      'user@\u13e3\u13b3\u13a9.com', // Cherokee, whose letters imitate Latin: not a recommended script
      'user@\u3072\u3089\u304c\u306a\u0430\u0431\u0432.jp', // Hiragana with Cyrillic
      'user@\u03b5\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03acabc.gr', // Greek with Latin
    ]) {
      assert.equal(checkEmail(bad), 'INVALID_EMAIL', JSON.stringify(bad));
    }
  });

  test('single-script labels, and Latin with Japanese, Chinese or Korean writing, pass', () => {
    for (const good of [
      'user@bücher.example',
      'user@straße.de',
      'user@пример.рф', // Cyrillic under a Cyrillic top-level domain
      'user@россия.рф',
      'user@\u0430\u0440\u0440\u04cf\u0435.ru', // Cyrillic look-alikes where Cyrillic is expected
      'user@ελληνικά.gr',
      'user@日本.jp',
      'user@例え.jp',
      'user@ドメイン名例.jp',
      'user@テストtest.jp', // Katakana with Latin
      'user@한국.kr',
      'user@한국日本.kr', // Hangul with Han
      'user@中文abc.cn', // Han with Latin
      'user@مثال.إختبار',
      'user@उदाहरण.भारत',
    ]) {
      assert.ok(!isEmailProblem(checkEmail(good)), good);
    }
  });
});
