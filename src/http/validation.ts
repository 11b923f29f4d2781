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

/**
 * Request validation: a JSON body is taken as sent (`"limit": "5"` is not a number, and a field its
 * schema does not allow is refused, not silently dropped), while query strings, path parameters
 * and headers, which are text on the wire, are converted to the types their schemas declare.
 */
function buildRouteValidator(externalSchemas: unknown, options: CompilerOptions = {}): RouteCompiler {
  const shared = { ...(options.customOptions ?? {}), removeAdditional: false, useDefaults: true };
  const strict = pool(externalSchemas, { ...options, customOptions: { ...shared, coerceTypes: false } });
  const converting = pool(externalSchemas, { ...options, customOptions: { ...shared, coerceTypes: 'array' } });
  return (route) => (route.httpPart === 'body' ? strict(route) : converting(route));
}

export const buildValidator = buildRouteValidator as unknown as ValidatorFactory;
