import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { Config } from '../config.js';
import type { ServiceDeps } from '../deps.js';
import { NOT_SINGLE_LINE } from '../http/common.schemas.js';
import { logError, toAppError } from '../http/error-handler.js';
import { AppError, isAppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import {
  acceptInvitation,
  declineInvitation,
  lookupInvitation,
  type InvitationLookup,
} from '../modules/invitations/invitation.invitee.js';
import { revokeSession } from '../modules/sessions/session.repository.js';
import { resolveSession, sessionReaches, type SessionPrincipal } from '../modules/sessions/session.service.js';
import { checkEmail, isEmailProblem } from '../modules/users/email.js';
import {
  acceptedPage,
  declinedPage,
  errorPage,
  invalidLinkPage,
  invitationPage,
  wrongAccountPage,
  type FormContext,
} from './invite-page.js';
import { STYLESHEET } from './styles.js';

/**
 * The invitee's page: `GET /invite/{token}` shows the invitation (and changes nothing: mail
 * scanners follow links); forms POST to accept or decline, with CSRF protection. Server-rendered,
 * escaped, and usable without JavaScript. A session cookie remembers who accepted, so that a
 * signed-in person is not asked again, and cannot accept an invitation sent to someone else.
 */

export const SESSION_COOKIE = 'tessera_session';
const CSRF_COOKIE = 'tessera_csrf';
const NAME_MAX = 250;

const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) });
// The CSRF check itself (a 403 page) judges a missing or wrong _csrf, not the schema.
const AcceptForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 1024 })),
  firstName: Type.Optional(Type.String({ maxLength: 4096 })),
  lastName: Type.Optional(Type.String({ maxLength: 4096 })),
  email: Type.Optional(Type.String({ maxLength: 4096 })),
  password: Type.Optional(Type.String({ maxLength: 4096 })),
});
const CsrfForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 1024 })) });

function sameAddress(a: string, b: string): boolean {
  const left = checkEmail(a);
  const right = checkEmail(b);
  return !isEmailProblem(left) && !isEmailProblem(right) && left.canonical === right.canonical;
}

export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page);
}

/**
 * The rules the API's name fields follow, for a form that has no schema to judge it: a name ends
 * up in the subject of the invitations its owner sends, where a line break would start a header.
 */
function nameProblem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (NOT_SINGLE_LINE.test(value)) return 'Use one line of text, without control characters.';
  if (value.trim().length > NAME_MAX) return `Use at most ${NAME_MAX} characters.`;
  return undefined;
}

/** An empty form field is an absent one. */
function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
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

/**
 * The one invalid-link page, for a link Fastify cannot even route (a token that is not valid
 * percent-encoded UTF-8, or longer than any path parameter may be): such a link is as dead as an
 * unknown one, and a browser should see the same page.
 */
export function sendUnroutableLinkPage(reply: FastifyReply, config: Config): FastifyReply {
  return sendPage(reply.headers(pageSecurityHeaders(config)), 404, invalidLinkPage());
}

export async function inviteWebRoutes(app: App, { deps }: AppContext): Promise<void> {
  // The forms take the link token as the credential: attempts are limited per client address.
  // (Opening the page, a GET, is not: it changes nothing, and mail scanners follow links.)
  const limitAttempts = deps.limits.attempts.hook('accept');
  const secure = new URL(deps.config.publicUrl).protocol === 'https:';
  const securityHeaders = pageSecurityHeaders(deps.config);

  app.get('/assets/tessera.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(cookie, { secret: deps.secrets.key('csrf').toString('base64url') });
    await scope.register(formbody);
    await scope.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: CSRF_COOKIE,
      cookieOpts: { path: '/invite', httpOnly: true, sameSite: 'strict', secure, signed: true },
      // Each form's token is bound to its invitation link, not only to the cookie.
      getUserInfo: (request: FastifyRequest) => (request.params as { token: string }).token,
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
      if (appError.code === 'INVITATION_LINK_INVALID' || appError.status === 404 || badLink) return sendPage(reply, 404, invalidLinkPage());
      if (appError.status === 503) {
        // The database is out of reach for a moment (restart, failover): say so, and when to retry.
        if (appError.headers) reply.headers(appError.headers);
        return sendPage(reply, 503, errorPage('Back in a moment', 'We could not reach our records just now. Please try again in a few seconds.', request.id));
      }
      if (appError.status >= 500) {
        return sendPage(reply, 500, errorPage('Something went wrong', 'Please try again in a moment.', request.id));
      }
      return sendPage(reply, appError.status, errorPage("We couldn't read that form", 'Go back, reload the page and try again.'));
    });

    async function signedIn(request: FastifyRequest): Promise<SessionPrincipal | undefined> {
      const token = request.cookies[SESSION_COOKIE];
      return token ? resolveSession(deps, token) : undefined;
    }

    /** Renders the invitation as it stands now, with a fresh form token; a dead link gets the one invalid page. */
    async function renderInvitation(
      request: FastifyRequest,
      token: string,
      reply: FastifyReply,
      status: number,
      extra: Pick<FormContext, 'error' | 'values'> = {},
    ): Promise<FastifyReply> {
      let invitation: InvitationLookup;
      try {
        invitation = await lookupInvitation(deps, token);
      } catch (error) {
        if (isAppError(error) && error.code === 'INVITATION_LINK_INVALID') return sendPage(reply, 404, invalidLinkPage());
        throw error;
      }
      const session = await signedIn(request);
      const context: FormContext = { token, csrf: reply.generateCsrf({ userInfo: token }), ...extra };
      if (session && !sameAddress(session.email, invitation.email)) {
        return sendPage(reply, status === 200 ? 200 : 403, wrongAccountPage(invitation, { ...context, signedInAs: session.email }));
      }
      // A session opened with a provisional password of another organization proves nothing here.
      const signedInHere = session && sessionReaches(session, invitation.organization.id);
      return sendPage(reply, status, invitationPage(invitation, { ...context, signedInAs: signedInHere ? session.email : undefined }));
    }

    scope.get('/invite/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) =>
      renderInvitation(request, request.params.token, reply, 200),
    );

    scope.post(
      '/invite/:token/accept',
      { onRequest: limitAttempts, preHandler: scope.csrfProtection, schema: { hide: true, params: TokenParams, body: AcceptForm } },
      async (request, reply) => {
        const values = { firstName: given(request.body.firstName), lastName: given(request.body.lastName) };
        for (const name of ['firstName', 'lastName'] as const) {
          const problem = nameProblem(request.body[name]);
          if (problem) {
            return renderInvitation(request, request.params.token, reply, 400, { values, error: { field: name, message: problem } });
          }
        }
        const session = await signedIn(request);
        try {
          const result = await acceptInvitation(deps, {
            token: request.params.token,
            ...values,
            password: request.body.password || undefined,
            session,
          });
          setSessionCookie(reply, deps, result.session.token, secure);
          if (result.redirectUrl) return reply.redirect(result.redirectUrl, 303);
          return sendPage(reply, 200, acceptedPage({ ...result, email: result.session.user.email }));
        } catch (error) {
          if (!isAppError(error)) throw error;
          const formError = acceptError(error);
          if (!formError) throw error;
          return renderInvitation(request, request.params.token, reply, formError.status, { values, error: formError.error });
        }
      },
    );

    scope.post(
      '/invite/:token/decline',
      { onRequest: limitAttempts, preHandler: scope.csrfProtection, schema: { hide: true, params: TokenParams, body: CsrfForm } },
      async (request, reply) => {
        const invitation = await lookupInvitation(deps, request.params.token);
        await declineInvitation(deps, request.params.token);
        return sendPage(reply, 200, declinedPage(invitation.organization.name));
      },
    );

    scope.post(
      '/invite/:token/sign-out',
      { onRequest: limitAttempts, preHandler: scope.csrfProtection, schema: { hide: true, params: TokenParams, body: CsrfForm } },
      async (request, reply) => {
        const session = await signedIn(request);
        if (session) await revokeSession(deps.db, session.sessionId, deps.clock.now().toISOString());
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect(`/invite/${encodeURIComponent(request.params.token)}`, 303);
      },
    );
  });
}

export function setSessionCookie(reply: FastifyReply, deps: ServiceDeps, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: deps.config.sessionTtlHours * 3600,
  });
}

/** How a refused accept shows on the form, or undefined for errors that get a page of their own. */
function acceptError(error: AppError): { status: number; error: NonNullable<FormContext['error']> } | undefined {
  switch (error.code) {
    case 'PASSWORD_REQUIRED':
      return { status: 400, error: { field: 'password', message: error.detail ?? 'Choose a password for your account.' } };
    case 'PASSWORD_POLICY':
      return { status: 400, error: { field: 'password', message: `Your password ${error.fields?.[0]?.message ?? 'does not meet the policy'}.` } };
    case 'PASSWORD_REUSED':
      return { status: 400, error: { field: 'password', message: 'Choose a new password: the current one was set by someone else.' } };
    case 'SIGN_IN_REQUIRED':
      return { status: 401, error: { field: 'password', message: 'Enter your password to sign in.' } };
    case 'INVALID_CREDENTIALS':
      return { status: 401, error: { field: 'password', message: "That password isn't right. Try again." } };
    case 'EMAIL_MISMATCH':
      return { status: 403, error: { message: 'This invitation was sent to another address.' } };
    default:
      return undefined;
  }
}
