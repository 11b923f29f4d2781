import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';

/** What Fastify hands a validator compiler for each part of each route. */
interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
}
type RouteCompiler = (route: RouteSchema) => unknown;
type CompilerOptions = { customOptions?: Record<string, unknown>; [option: string]: unknown };

// The package's own types describe a schema-level API; Fastify calls it with route definitions.
const pool = AjvCompiler() as unknown as (externalSchemas: unknown, options: CompilerOptions) => RouteCompiler;

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** Where a non-finite number sits in a converted value (`/limit`), or undefined when there is none. */
function nonFinitePointer(value: unknown, pointer = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : pointer || '/';
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFinitePointer(inner, `${pointer}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Ajv converts "1e400" or "Infinity" in a query string to Infinity, and then skips the bounds
 * checks (they only look at finite numbers): `limit=1e400` would reach the database as a LIMIT.
 * A converted value that holds a non-finite number is refused like any other invalid value.
 */
function refusingNonFinite(validate: Validate): Validate {
  const checked: Validate = (data) => {
    if (!validate(data)) {
      checked.errors = validate.errors;
      return false;
    }
    const pointer = nonFinitePointer(data);
    if (pointer === undefined) return true;
    checked.errors = [
      { instancePath: pointer, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' },
    ];
    return false;
  };
  return checked;
}

/**
 * Request validation: a JSON body is taken as sent (`"limit": "5"` is not a number, and a field its
 * schema does not allow is refused, not silently dropped), while query strings, path parameters
 * and headers, which are text on the wire, are converted to the types their schemas declare.
 */
function buildRouteValidator(externalSchemas: unknown, options: CompilerOptions = {}): RouteCompiler {
  const shared = { ...(options.customOptions ?? {}), removeAdditional: false, useDefaults: true };
  const strict = pool(externalSchemas, { ...options, customOptions: { ...shared, coerceTypes: false } });
  const converting = pool(externalSchemas, { ...options, customOptions: { ...shared, coerceTypes: 'array' } });
  return (route) => (route.httpPart === 'body' ? strict(route) : refusingNonFinite(converting(route) as Validate));
}

export const buildValidator = buildRouteValidator as unknown as ValidatorFactory;
