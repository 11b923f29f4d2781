import type { LightMyRequestResponse } from 'fastify';

/**
 * The error format each surface documents. Routes of the native API, the operations routes and
 * anything unmatched answer RFC 9457 problem details; the documented surfaces answer as their
 * documents show; the invitee's pages answer with a page.
 */
export type Surface = 'native' | 'oauth' | 'users-v1' | 'tenant' | 'web';

/** Words that only an internal detail would put in a response: a stack, SQL, a driver. */
const INTERNAL_DETAIL =
  /\n\s+at |\bselect\b.*\bfrom\b|\binsert into\b|\bupdate\b.*\bset\b|sqlite|postgres|kysely|node_modules|SyntaxError|TypeError|RangeError|ReferenceError|Maximum call stack|\brelation\b|\bconstraint\b|violates|ECONN/i;

function json(response: LightMyRequestResponse): Record<string, unknown> | string {
  try {
    const value: unknown = response.json();
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : 'not a JSON object';
  } catch {
    return 'not JSON';
  }
}

function mediaType(response: LightMyRequestResponse): string {
  return String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

function nativeProblem(response: LightMyRequestResponse): string | undefined {
  if (mediaType(response) !== 'application/problem+json')
    return `content-type ${response.headers['content-type']}, not application/problem+json`;
  const body = json(response);
  if (typeof body === 'string') return body;
  if (typeof body.type !== 'string' || typeof body.title !== 'string') return 'no type or title';
  if (body.status !== response.statusCode) return `status ${String(body.status)} in a ${response.statusCode} response`;
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z_]*$/.test(body.code))
    return `code ${String(body.code)} is not UPPER_SNAKE`;
  if (body.requestId !== response.headers['x-request-id'])
    return `requestId ${String(body.requestId)} is not the x-request-id header`;
  return undefined;
}

function oauthError(response: LightMyRequestResponse): string | undefined {
  if (mediaType(response) !== 'application/json')
    return `content-type ${response.headers['content-type']}, not application/json`;
  const body = json(response);
  if (typeof body === 'string') return body;
  if (typeof body.error !== 'string' || !/^[a-z_]+$/.test(body.error))
    return `error ${String(body.error)} is not an RFC 6749 code`;
  if (typeof body.error_description !== 'string') return 'no error_description';
  if (response.headers['cache-control'] !== 'no-store') return 'no Cache-Control: no-store';
  return undefined;
}

function usersV1Error(response: LightMyRequestResponse): string | undefined {
  if (mediaType(response) !== 'application/json')
    return `content-type ${response.headers['content-type']}, not application/json`;
  const body = json(response);
  if (typeof body === 'string') return body;
  const allowed = new Set(['error', 'message', 'code', 'details', 'requestId']);
  const extra = Object.keys(body).filter((key) => !allowed.has(key));
  if (extra.length > 0) return `fields the document does not show: ${extra.join(', ')}`;
  if (typeof body.error !== 'string' || typeof body.message !== 'string') return 'no error or message';
  if (body.code !== response.statusCode) return `code ${String(body.code)} in a ${response.statusCode} response`;
  if (body.details !== undefined) {
    const fine =
      Array.isArray(body.details) &&
      body.details.every((d) => typeof d?.field === 'string' && typeof d?.message === 'string');
    if (!fine) return 'details are not [{ field, message }]';
  }
  return undefined;
}

function tenantProblem(response: LightMyRequestResponse): string | undefined {
  if (mediaType(response) !== 'application/problem+json')
    return `content-type ${response.headers['content-type']}, not application/problem+json`;
  const body = json(response);
  if (typeof body === 'string') return body;
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'detail,status,title') return `fields ${keys}, not exactly detail, status, title`;
  if (body.status !== response.statusCode) return `status ${String(body.status)} in a ${response.statusCode} response`;
  if (typeof body.title !== 'string' || typeof body.detail !== 'string') return 'title or detail is not text';
  return undefined;
}

function webPage(response: LightMyRequestResponse): string | undefined {
  if (mediaType(response) !== 'text/html') return `content-type ${response.headers['content-type']}, not text/html`;
  if (!response.body.startsWith('<!doctype html>')) return 'not an HTML page';
  if (response.headers['referrer-policy'] !== 'no-referrer') return 'no Referrer-Policy: no-referrer';
  if (response.headers['cache-control'] !== 'no-store') return 'no Cache-Control: no-store';
  if (!String(response.headers['content-security-policy'] ?? '').includes("default-src 'none'"))
    return 'no content security policy';
  return undefined;
}

const CHECKS: Record<Surface, (response: LightMyRequestResponse) => string | undefined> = {
  native: nativeProblem,
  oauth: oauthError,
  'users-v1': usersV1Error,
  tenant: tenantProblem,
  web: webPage,
};

/**
 * What is wrong with an error response for its surface, or undefined when it is in the surface's
 * format. HEAD responses have no body to judge.
 */
export function errorFormatProblem(
  surface: Surface,
  response: LightMyRequestResponse,
  method: string,
): string | undefined {
  if (method === 'HEAD') return undefined;
  return CHECKS[surface](response);
}

/** A 5xx must name its request id (so it can be reported) and say nothing about its cause. */
export function serverErrorProblem(response: LightMyRequestResponse, method: string): string | undefined {
  const requestId = String(response.headers['x-request-id'] ?? '');
  if (!requestId) return 'no x-request-id header';
  if (method === 'HEAD') return undefined;
  if (!response.body.includes(requestId)) return 'the body does not carry the request id';
  const leak = INTERNAL_DETAIL.exec(response.body);
  return leak ? `the body says something internal: ${JSON.stringify(leak[0])}` : undefined;
}
