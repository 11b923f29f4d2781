import type { FastifyError } from 'fastify';
import { AppError } from './errors.js';

/**
 * Errors Fastify's router raises before any route's hooks run: a path segment that is not valid
 * percent-encoded UTF-8 (`FST_ERR_BAD_URL`), or a path parameter longer than `maxParamLength`.
 * Fastify would answer them with a JSON body of its own; as Tessera's errors they are rendered in
 * the format of the surface the path belongs to. Only routes with path parameters raise them.
 */
export function routingError(error: FastifyError): AppError {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'has a parameter longer than any valid value'
      : 'is not valid percent-encoded UTF-8';
  return new AppError('VALIDATION_FAILED', `The path ${message}.`, { fields: [{ field: 'path', message }] });
}
