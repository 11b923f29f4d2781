import fc from 'fast-check';

/**
 * Values that break careless code, whatever the field: the empty and the huge, every kind of
 * Unicode trouble, control characters and NUL (PostgreSQL cannot store it in text), lone
 * surrogates (not encodable as UTF-8), numbers that are strings or out of every range, wrong
 * types, deep nesting and prototype-pollution keys.
 */

export const EDGE_TEXTS = [
  '',
  ' ',
  '\t',
  '\u0000',
  'a\u0000b',
  '\r\nBcc: victim@example.com',
  '\u0085',
  '\u2028',
  '\ud800',
  'a\udfffb',
  '\ufeff',
  '\u202etxt.exe',
  'ｅｘａｍｐｌｅ',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e400',
  'NaN',
  'Infinity',
  '9007199254740993',
  '[]',
  '{}',
  "' or '1'='1",
  '"; drop table users; --',
  '%00',
  '%s%n%x',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '12345678-1234-1234-1234-1234567890ab ',
  'urn:uuid:12345678-1234-4234-9234-1234567890ab',
  'a@b',
  'a@b.c',
  '@example.com',
  'user@',
  'user@@example.com',
  'user@xn--.com',
  'user@exa mple.com',
  'user@[127.0.0.1]',
  '"quoted"@example.com',
  'user@example.com\u0000',
  'user\r\n@example.com',
  'user@ｅｘａｍｐｌｅ.com',
  'user@пример.рф',
  'user@例え.テスト',
  `${'x'.repeat(65)}@example.com`,
  `user@${'a'.repeat(250)}.com`,
] as const;

export const EDGE_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  1.0000000001,
  30,
  31,
  100,
  101,
  1000,
  1001,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
] as const;

/** Strings of every kind of character, lone surrogates and controls included. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...EDGE_TEXTS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }), weight: 1 },
  { arbitrary: hugeText(), weight: 1 },
);

/** Longer than any field allows, in a few shapes. */
export function hugeText(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('x', 'é', '😀', '\u0000', 'a@', '%'), fc.constantFrom(255, 256, 1025, 5000, 70_000))
    .map(([unit, count]) => unit.repeat(count));
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested deeper than anything legitimate, as a JavaScript value. */
export function deeplyNested(depth: number, shape: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = shape === 'array' ? [value] : { a: value };
  return value;
}

/** An object whose own keys are the ones that pollute prototypes when code merges it carelessly. */
export function pollutingObject(
  key: '__proto__' | 'constructor' | 'prototype',
  inner: unknown,
): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  Object.defineProperty(object, key, { value: inner, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Any JSON-ish value of the wrong kind or at the edge of a range. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: anyText, weight: 5 },
  { arbitrary: fc.constantFrom(...EDGE_NUMBERS), weight: 3 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}, [null], [''], { '': '' }), weight: 2 },
  {
    arbitrary: fc
      .constantFrom(50, 1000, 2000)
      .chain((depth) => fc.constantFrom(deeplyNested(depth, 'array'), deeplyNested(depth, 'object'))),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom('__proto__', 'constructor', 'prototype')
      .map((key) => pollutingObject(key as '__proto__', { polluted: true, prototype: { polluted: true } })),
    weight: 1,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/** Property names a body or query should not have, the polluting ones first. */
export const strayKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString',
    '',
    ' ',
    'Email',
    'email ',
    'id',
    'status',
    'organizationId',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/**
 * JSON texts no schema sees: malformed, truncated, with comments or trailing commas, duplicate or
 * polluting keys, numbers JavaScript cannot hold, a byte-order mark, nesting deep enough to
 * exhaust a recursive walk.
 */
export const rawJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '}',
    '[',
    '{"email":',
    '{"email":"a@example.com"',
    "{'email':'a@example.com'}",
    '{"email":"a@example.com",}',
    '{"email":"a@example.com"} trailing',
    '{"email":"a@example.com"}{"email":"b@example.com"}',
    '/* comment */ {}',
    '\ufeff{"email":"a@example.com"}',
    '{"email":"a@example.com","email":"b@example.com"}',
    '{"__proto__":{"polluted":true}}',
    '{"metadata":{"__proto__":{"polluted":true}}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"expiresInDays":1e400}',
    '{"limit":-1e400}',
    '{"group":123456789012345678901234567890}',
    '{"email":"\\ud800@example.com"}',
    '{"email":"a\\u0000@example.com"}',
    '{"a":"\\x41"}',
    'null',
    'true',
    '0',
    '"text"',
    '[]',
    '[{}]',
    'NaN',
    '\u0000',
    '\u00ff\u00fe',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.json({ maxDepth: 4 }),
  fc
    .constantFrom(100, 5_000, 100_000)
    .chain((depth) =>
      fc.constantFrom(
        '['.repeat(depth) + ']'.repeat(depth),
        `{"metadata":${'{"a":'.repeat(depth)}1${'}'.repeat(depth + 1)}`,
      ),
    ),
);

/** Content types a client might send instead of JSON, or JSON spelled oddly. */
export const contentTypes: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  '',
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset=latin1',
  'application/json ; charset=utf-8',
  'application/problem+json',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'text/html',
  'application/xml',
  'application/octet-stream',
  'json',
  '*/*',
  'application/json, text/plain',
);

/** Header values that can travel over HTTP/1.1 (tab, visible ASCII, Latin-1), in odd shapes. */
export const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    'undefined',
    '0',
    '-1',
    'a'.repeat(300),
    'x'.repeat(9000),
    '\u00ff\u00fe',
    'é',
    'a, b',
    'a,a',
    '\t',
  ),
  fc.string({
    unit: fc.constantFrom(...'\t !"#$%&\'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~\u0080\u00a0\u00ff'),
    maxLength: 40,
  }),
);
