import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError, fieldFromPointer, isAppError, type FieldError } from './errors.js';

interface AjvError {
  instancePath: string;
  keyword?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
}

function fieldErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  return validation.map((error) => {
    const field =
      fieldFromPointer(error.instancePath, error.params?.missingProperty ?? error.params?.additionalProperty) ||
      context ||
      'body';
    const message = error.params?.additionalProperty
      ? 'is not a known field'
      : error.params?.missingProperty
        ? 'is required'
        : error.keyword === 'enum' && error.params?.allowedValues
          ? `must be one of ${error.params.allowedValues.join(', ')}`
          : (error.message ?? 'is invalid');
    return { field, message };
  });
}

/** Seconds a client is asked to wait (Retry-After) when the database does not answer: a restart or failover takes a few. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

/**
 * The 503 for a request that failed because the database could not be reached, or did not answer
 * in time; nothing of it was written, and it may succeed if sent again.
 */
export function serviceUnavailable(): AppError {
  return new AppError('SERVICE_UNAVAILABLE', 'The database did not answer; try again shortly.', {
    headers: { 'retry-after': String(RETRY_AFTER_UNAVAILABLE_SECONDS) },
  });
}

/**
 * Node's error on a request whose connection closed before its body was read in full: the client
 * went away, or REQUEST_TIMEOUT_MS cut it off (Node answers that 408 itself). Nobody is left to
 * answer.
 */
function isRequestAborted(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' && message === 'aborted';
}

/**
 * Any error, as the catalogue knows it: AppErrors as they are, Fastify's own errors (schema
 * validation, unreadable bodies, wrong content types) and a body cut short mapped to their codes, a
 * database that cannot be reached a SERVICE_UNAVAILABLE, and everything else an INTERNAL_ERROR whose
 * cause stays in the logs, never in the response.
 */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  // Checked before the database: its code is a network one too, but the connection that closed is
  // the client's, and a 5xx logged at error for each would let any client fill the logs with them.
  if (isRequestAborted(error))
    return new AppError('MALFORMED_REQUEST', 'The connection closed before the body arrived in full.');
  if (isDatabaseUnavailable(error)) return serviceUnavailable();
  const fastifyError = error as Partial<FastifyError> & { validation?: AjvError[] };
  if (Array.isArray(fastifyError.validation)) {
    const fields = fieldErrors(fastifyError.validation, fastifyError.validationContext);
    const detail = fields.map((field) => `${field.field} ${field.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', detail, { fields });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_REQUEST', 'The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_REQUEST', 'The body is not valid JSON.');
    default:
      break;
  }
  // A value the database refuses to store or compare (PostgreSQL's data exceptions): the request's
  // fault, never a 5xx. Schemas should catch these first; this is the net under them.
  if (typeof fastifyError.code === 'string' && /^22(P02|021|001|003|007|008)$/.test(fastifyError.code)) {
    return new AppError('MALFORMED_REQUEST', 'A value in the request cannot be stored.');
  }
  const status = fastifyError.statusCode ?? 500;
  if (error instanceof SyntaxError || (status === 400 && fastifyError.name === 'SyntaxError')) {
    return new AppError('MALFORMED_REQUEST', 'The body is not valid JSON.');
  }
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 404) return new AppError('NOT_FOUND');
  if (status === 429) return new AppError('RATE_LIMITED');
  if (status >= 400 && status < 500) return new AppError('MALFORMED_REQUEST', 'The request could not be read.');
  return new AppError('INTERNAL_ERROR');
}

/** Logs what went wrong at the level it deserves: a 5xx is ours, a 4xx is the caller's. */
export function logError(request: FastifyRequest, error: unknown, appError: AppError): void {
  if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.debug({ code: appError.code }, 'request refused');
}

function problemType(code: string): string {
  return `urn:tessera:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * Renders an error as RFC 9457 problem details: the native API's format. A surface whose document
 * gives a code another status (a pending invite is a 400 there) passes that status.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  status = error.status,
): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  const body = {
    type: problemType(error.code),
    title: error.title,
    status,
    // A 5xx says nothing about its cause: no stack, no SQL, no driver message.
    detail: error.status >= 500 ? `${error.title}. Quote request id ${request.id} when reporting it.` : error.detail,
    code: error.code,
    requestId: request.id,
    ...(error.fields && error.fields.length > 0 ? { errors: error.fields } : {}),
  };
  return reply.status(status).type('application/problem+json').send(body);
}

export function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  logError(request, error, appError);
  return sendProblem(request, reply, appError);
}
