import type { IncomingMessage } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import { secureRandomBytes } from '../auth/random-bytes.js';

/** Header and body paths that may carry a credential; pino replaces them before a line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-session-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.token',
  '*.access_token',
  '*.acceptUrl',
];

/** Invitation links carry their token in the path; query strings may carry others. */
export function redactUrl(url: string): string {
  return url
    .replace(/\/invite\/[^/?#]+/g, '/invite/[redacted]')
    .replace(/([?&](?:token|access_token|client_secret|password)=)[^&#]*/gi, '$1[redacted]');
}

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; headers?: Record<string, unknown> }) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
        userAgent: request.headers?.['user-agent'],
      }),
    },
    ...(stream ? { stream } : {}),
  } as FastifyServerOptions['logger'];
}

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** A caller's `x-request-id` is kept when it is well-formed (it ends up in logs); otherwise we make one. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  if (typeof incoming === 'string' && INCOMING_REQUEST_ID.test(incoming)) return incoming;
  return `req_${secureRandomBytes(10).toString('hex')}`;
}
