import fc from 'fast-check';
import { anyValue, pollutingObject, strayKey } from './edge-values.js';

/** The parts of JSON Schema that Tessera's route schemas (TypeBox) use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}

/** Realistic values for properties, by name (an email that exists, a role id of the caller's organization…). */
export interface FieldHints {
  value(name: string): fc.Arbitrary<unknown> | undefined;
  /** Optional properties without which a request cannot get far (a form's CSRF token, a grant type). */
  usuallyPresent: ReadonlySet<string>;
}

/** Valid-shaped arrays stay short: a thousand-item request is an edge case of its own, made on purpose. */
const ARRAY_CAP = 4;
const TEXT_CAP = 40;

function stringFromSchema(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? TEXT_CAP, TEXT_CAP));
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    try {
      return fc
        .stringMatching(pattern, { size: 'small' })
        .filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
    } catch {
      // A pattern fast-check cannot generate from (lookaheads): the field's hint covers it.
      return fc.string({ minLength, maxLength });
    }
  }
  return fc.oneof(
    fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }),
    fc.string({ minLength, maxLength, unit: 'grapheme' }),
  );
}

function numberFromSchema(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1_000_000;
  const max = schema.maximum ?? 1_000_000;
  const inRange = integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
  // The bounds themselves are where off-by-one errors live.
  return fc.oneof(inRange, fc.constantFrom(min, max));
}

function objectFromSchema(schema: JsonSchema, hints: FieldHints): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) {
    // A free-form object (metadata): any JSON, keys of every kind.
    return fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), strayKey), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 4,
    });
  }
  const model = Object.fromEntries(names.map((name) => [name, valueFromSchema(properties[name]!, hints, name)]));
  const requiredKeys = names.filter((name) => schema.required?.includes(name) || hints.usuallyPresent.has(name));
  const record = fc.record(model, { requiredKeys });
  // `minProperties`: an empty object would be refused, so valid-shaped ones carry one field at least.
  return schema.minProperties ? record.filter((value) => Object.keys(value).length >= schema.minProperties!) : record;
}

/** A value its schema accepts (or, with a hint, a realistic one that the service then judges). */
export function valueFromSchema(schema: JsonSchema, hints: FieldHints, name?: string): fc.Arbitrary<unknown> {
  // Hints are text: a field of the same name that holds a number (a member's `scope`) gets none.
  const hint = name && (schema.type === 'string' || schema.type === undefined) ? hints.value(name) : undefined;
  const derived = derive(schema, hints);
  return hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: derived, weight: 1 }) : derived;
}

function derive(schema: JsonSchema, hints: FieldHints): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => derive(option, hints)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return objectFromSchema(schema, hints);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? ARRAY_CAP, ARRAY_CAP));
      return fc.array(schema.items ? valueFromSchema(schema.items, hints) : fc.jsonValue({ maxDepth: 1 }), {
        minLength,
        maxLength,
      });
    }
    case 'string':
      return stringFromSchema(schema);
    case 'integer':
      return numberFromSchema(schema, true);
    case 'number':
      return numberFromSchema(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Mutations aim at the fields of a request, not deep inside an already deeply nested edge value. */
const MUTATION_DEPTH = 6;

/** The places in a value down to MUTATION_DEPTH: the root, each property and each item, as paths of keys. */
function pathsOf(value: unknown, path: Array<string | number> = [], into: Array<Array<string | number>> = []) {
  into.push(path);
  if (path.length >= MUTATION_DEPTH) return into;
  if (Array.isArray(value))
    value.forEach((item, index) => {
      pathsOf(item, [...path, index], into);
    });
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) pathsOf(inner, [...path, key], into);
  return into;
}

type Mutation = 'replace' | 'delete' | 'add-key' | 'pollute' | 'wrap' | 'stretch';

/** A copy of `value` with `change` applied to what sits at `path` (own `__proto__` keys kept as keys). */
function changedAt(value: unknown, path: Array<string | number>, change: (inner: unknown) => unknown): unknown {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const changed = changedAt(copy[head as number], rest, change);
    if (changed === REMOVED) copy.splice(head as number, 1);
    else copy[head as number] = changed;
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const next = key === head ? changedAt(inner, rest, change) : inner;
    if (next !== REMOVED)
      Object.defineProperty(copy, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

const REMOVED = Symbol('removed');

/** What a stretched string grows to: past every maxLength of every schema (the longest is 4,096). */
const STRETCHED_LENGTH = 5_000;

function mutate(value: unknown, pick: number, mutation: Mutation, replacement: unknown, key: string): unknown {
  const paths = pathsOf(value);
  const path = paths[pick % paths.length]!;
  return changedAt(value, path, (inner) => {
    switch (mutation) {
      case 'replace':
        return replacement;
      case 'delete':
        return path.length === 0 ? undefined : REMOVED;
      case 'add-key':
      case 'pollute': {
        const target =
          inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
        const extra =
          mutation !== 'pollute'
            ? { [key]: replacement }
            : key === 'constructor'
              ? pollutingObject('constructor', { prototype: { polluted: true } })
              : pollutingObject('__proto__', { polluted: true });
        const copy = { ...target };
        for (const [name, extraValue] of Object.entries(extra)) {
          Object.defineProperty(copy, name, {
            value: extraValue,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return copy;
      }
      case 'wrap':
        return [inner];
      case 'stretch':
        // Past every maxItems (100, 1,000) and every maxLength, cheaply.
        if (Array.isArray(inner)) {
          // Copies of a small item (a valid invitation, a permission); never of a deeply nested edge value.
          const item = inner[0];
          const small = item === undefined || (JSON.stringify(item)?.length ?? 0) < 2000;
          return Array.from({ length: 1001 }, (_, i) => (small ? (item ?? i) : i));
        }
        // Strings to a few thousand characters, at least doubled: up to three stretches of one value
        // compound, and 300 copies each time once made a 486-million-character string.
        {
          const text = typeof inner === 'string' && inner ? inner : 'x';
          return text.repeat(Math.max(2, Math.ceil(STRETCHED_LENGTH / text.length)));
        }
    }
  });
}

/** A valid-shaped value with one to three things wrong with it: a field replaced, removed, added, polluted… */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const mutation = fc.record({
    pick: fc.nat(),
    kind: fc.constantFrom<Mutation>('replace', 'replace', 'replace', 'delete', 'add-key', 'pollute', 'wrap', 'stretch'),
    replacement: anyValue,
    key: strayKey,
  });
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([value, mutations]) =>
      mutations.reduce((current, m) => mutate(current, m.pick, m.kind, m.replacement, m.key), value),
    );
}

/** For a schema: mostly values it accepts or nearly accepts, and some of any shape at all. */
export function fuzzValue(schema: JsonSchema, hints: FieldHints): fc.Arbitrary<unknown> {
  const valid = valueFromSchema(schema, hints);
  return fc.oneof(
    { arbitrary: valid, weight: 5 },
    { arbitrary: mutated(valid), weight: 4 },
    { arbitrary: anyValue, weight: 1 },
  );
}
