import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { ServiceDeps } from '../deps.js';
import { logError, toAppError } from '../http/error-handler.js';
import type { App } from '../http/fastify-types.js';
import { errorPage } from './invite-page.js';

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

/** The headers of every page: no referrer, no caching, a strict content security policy. */
export function pageSecurityHeaders(config: Config): Record<string, string> {
  const formAction = ["'self'", ...config.allowedRedirectOrigins].join(' ');
  return {
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
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
  deadLinkPage: () => string;
  deadLinkCode: string;
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
      reply.headers(securityHeaders);
    });
    scope.setErrorHandler((error, request, reply) => {
      if ((error as { code?: string }).code?.startsWith('FST_CSRF')) {
        return sendPage(reply, 403, errorPage('This form has expired', 'Go back, reload the page and try again.'));
      }
      const appError = toAppError(error);
      logError(request, error, appError);
      if (appError.code === 'RATE_LIMITED') {
        if (appError.headers) reply.headers(appError.headers);
        return sendPage(reply, 429, errorPage('Too many attempts', 'Wait a minute, then go back and try again.'));
      }
      // A token the schema refuses (empty, too long) is a dead link like any other: the same page.
      const badLink = (error as { validationContext?: string }).validationContext === 'params';
      if (appError.code === options.deadLinkCode || appError.status === 404 || badLink)
        return sendPage(reply, 404, options.deadLinkPage());
      if (appError.status === 503) {
        // The database is out of reach for a moment (restart, failover): say so, and when to retry.
        if (appError.headers) reply.headers(appError.headers);
        return sendPage(
          reply,
          503,
          errorPage(
            'Back in a moment',
            'We could not reach our records just now. Please try again in a few seconds.',
            request.id,
          ),
        );
      }
      if (appError.status >= 500) {
        return sendPage(reply, 500, errorPage('Something went wrong', 'Please try again in a moment.', request.id));
      }
      return sendPage(
        reply,
        appError.status,
        errorPage("We couldn't read that form", 'Go back, reload the page and try again.'),
      );
    });
    await routes(scope as unknown as App);
  });
}
