import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { ServiceDeps } from '../deps.js';
import { logError, toAppError } from '../http/error-handler.js';
import type { App } from '../http/fastify-types.js';
import { errorPage, type PageLook } from './page-layout.js';

/**
 * What every server-rendered page shares: forms with CSRF protection (a signed cookie, and each
 * form's token bound to what the form is for), the security headers, and errors as pages.
 */

/** The signed-in browser's session (a session token), shared by every page. */
export const SESSION_COOKIE = 'tessera_session';

export function setSessionCookie(reply: FastifyReply, deps: ServiceDeps, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: new URL(deps.config.publicUrl).protocol === 'https:',
    maxAge: deps.config.sessionTtlHours * 3600,
  });
}

export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page);
}

/**
 * The headers of every page: no referrer, no caching, a strict content security policy. A branded
 * page adds its accent style's hash and its logo's origin (`brandSources`), and nothing else.
 */
export function pageSecurityHeaders(
  config: Config,
  brand: { style: string[]; img: string[] } = { style: [], img: [] },
): Record<string, string> {
  const formAction = ["'self'", ...config.allowedRedirectOrigins].join(' ');
  const style = ["'self'", ...brand.style].join(' ');
  const img = ["'self'", ...brand.img].join(' ');
  return {
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src ${style}; img-src ${img}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}

export interface PageScopeOptions {
  /** The CSRF cookie's name and the path it is sent to. */
  csrfCookie: string;
  cookiePath: string;
  /** What a form's CSRF token is bound to, besides the cookie (its link, for a link's forms). */
  bindFormTo: (request: FastifyRequest) => string;
  /** The one page for a link that opens nothing, and the error code that means it. */
  deadLinkPage: (look: PageLook) => string;
  deadLinkCode: string;
  /** The language (and look) of a page that fails before it knows more than the request. */
  lookOf: (request: FastifyRequest) => PageLook;
}

/** Registers a scope of pages and calls `routes` with it. */
export async function registerPageScope(
  app: App,
  deps: ServiceDeps,
  options: PageScopeOptions,
  routes: (scope: App) => void | Promise<void>,
): Promise<void> {
  const secure = new URL(deps.config.publicUrl).protocol === 'https:';
  const securityHeaders = pageSecurityHeaders(deps.config);
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(cookie, { secret: deps.secrets.key('csrf').toString('base64url') });
    await scope.register(formbody);
    await scope.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: options.csrfCookie,
      cookieOpts: { path: options.cookiePath, httpOnly: true, sameSite: 'strict', secure, signed: true },
      getUserInfo: options.bindFormTo,
      csrfOpts: { hmacKey: deps.secrets.key('csrf') },
    });
    scope.addHook('onSend', async (_request, reply) => {
      // A branded page set its own content security policy (the same, plus its brand's sources).
      for (const [name, value] of Object.entries(securityHeaders))
        if (!reply.hasHeader(name)) reply.header(name, value);
    });
    scope.setErrorHandler((error, request, reply) => {
      // An error page is never branded: the plain policy, whatever the handler had set.
      reply.headers(securityHeaders);
      const look = options.lookOf(request);
      if ((error as { code?: string }).code?.startsWith('FST_CSRF')) {
        return sendPage(reply, 403, errorPage('formExpired', undefined, look));
      }
      const appError = toAppError(error);
      logError(request, error, appError);
      if (appError.code === 'RATE_LIMITED') {
        if (appError.headers) reply.headers(appError.headers);
        return sendPage(reply, 429, errorPage('tooManyAttempts', undefined, look));
      }
      // A token the schema refuses (empty, too long) is a dead link like any other: the same page.
      const badLink = (error as { validationContext?: string }).validationContext === 'params';
      if (appError.code === options.deadLinkCode || appError.status === 404 || badLink)
        return sendPage(reply, 404, options.deadLinkPage(look));
      if (appError.status === 503) {
        // The database is out of reach for a moment (restart, failover): say so, and when to retry.
        if (appError.headers) reply.headers(appError.headers);
        return sendPage(reply, 503, errorPage('unavailable', request.id, look));
      }
      if (appError.status >= 500) return sendPage(reply, 500, errorPage('internal', request.id, look));
      return sendPage(reply, appError.status, errorPage('badForm', undefined, look));
    });
    await routes(scope as unknown as App);
  });
}
