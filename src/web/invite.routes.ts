import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AcceptanceTokens } from '../auth/acceptance-token.js';
import type { Config } from '../config.js';
import { NOT_SINGLE_LINE } from '../http/common.schemas.js';
import { type AppError, isAppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import { acceptInvitation } from '../modules/invitations/invitation.accept.js';
import {
  declineInvitation,
  type InvitationLookup,
  lookupInvitation,
} from '../modules/invitations/invitation.invitee.js';
import { revokeSession } from '../modules/sessions/session.repository.js';
import { resolveSession, sessionReaches, type SessionPrincipal } from '../modules/sessions/session.service.js';
import { checkEmail, isEmailProblem } from '../modules/users/email.js';
import {
  acceptedPage,
  declinedPage,
  invalidLinkPage,
  invitationPage,
  wrongAccountPage,
  type FormContext,
} from './invite-page.js';
import { pageSecurityHeaders, registerPageScope, SESSION_COOKIE, sendPage, setSessionCookie } from './page-scope.js';
import { STYLESHEET } from './styles.js';

/**
 * The invitee's page: `GET /invite/{token}` shows the invitation (and changes nothing: mail
 * scanners follow links); forms POST to accept or decline, with CSRF protection. Server-rendered,
 * escaped, and usable without JavaScript. A session cookie remembers who accepted, so that a
 * signed-in person is not asked again, and cannot accept an invitation sent to someone else.
 */

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

/**
 * The one invalid-link page, for a link Fastify cannot even route (a token that is not valid
 * percent-encoded UTF-8, or longer than any path parameter may be): such a link is as dead as an
 * unknown one, and a browser should see the same page.
 */
export function sendUnroutableLinkPage(reply: FastifyReply, config: Config): FastifyReply {
  return sendPage(reply.headers(pageSecurityHeaders(config)), 404, invalidLinkPage());
}

export async function inviteWebRoutes(app: App, { deps, signingKeys }: AppContext): Promise<void> {
  const acceptances = new AcceptanceTokens(signingKeys, deps.config, deps.clock);
  // The forms take the link token as the credential: attempts are limited per client address.
  // (Opening the page, a GET, is not: it changes nothing, and mail scanners follow links.)
  const limitAttempts = deps.limits.attempts.hook('accept');

  app.get('/assets/tessera.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  const options = {
    csrfCookie: CSRF_COOKIE,
    cookiePath: '/invite',
    // Each form's token is bound to its invitation link, not only to the cookie.
    bindFormTo: (request: FastifyRequest) => (request.params as { token: string }).token,
    deadLinkPage: invalidLinkPage,
    deadLinkCode: 'INVITATION_LINK_INVALID',
  };
  await registerPageScope(app, deps, options, (scope) => {
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
        if (isAppError(error) && error.code === 'INVITATION_LINK_INVALID')
          return sendPage(reply, 404, invalidLinkPage());
        throw error;
      }
      const session = await signedIn(request);
      const context: FormContext = { token, csrf: reply.generateCsrf({ userInfo: token }), ...extra };
      if (session && !sameAddress(session.email, invitation.email)) {
        return sendPage(
          reply,
          status === 200 ? 200 : 403,
          wrongAccountPage(invitation, { ...context, signedInAs: session.email }),
        );
      }
      // A session opened with a provisional password of another organization proves nothing here.
      const signedInHere = session && sessionReaches(session, invitation.organization.id);
      return sendPage(
        reply,
        status,
        invitationPage(invitation, { ...context, signedInAs: signedInHere ? session.email : undefined }),
      );
    }

    scope.get('/invite/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) =>
      renderInvitation(request, request.params.token, reply, 200),
    );

    scope.post(
      '/invite/:token/accept',
      {
        onRequest: limitAttempts,
        preHandler: scope.csrfProtection,
        schema: { hide: true, params: TokenParams, body: AcceptForm },
      },
      async (request, reply) => {
        const values = { firstName: given(request.body.firstName), lastName: given(request.body.lastName) };
        for (const name of ['firstName', 'lastName'] as const) {
          const problem = nameProblem(request.body[name]);
          if (problem) {
            return renderInvitation(request, request.params.token, reply, 400, {
              values,
              error: { field: name, message: problem },
            });
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
          setSessionCookie(reply, deps, result.session.token);
          if (result.redirectUrl && !result.invitation.emailed) return reply.redirect(result.redirectUrl, 303);
          if (result.redirectUrl) {
            // The acceptance hand-off: the host signs the person in without waiting for the webhook. Only
            // for an emailed link, whose accept proved the mailbox: a link the inviter held proves nothing
            // about who holds the address, so the token would vouch for what nobody checked.
            const location = await acceptances.redirectUrl(result.redirectUrl, {
              userId: result.session.user.id,
              email: result.invitation.email,
              organizationId: result.organization.id,
              role: result.role.name,
              invitationId: result.invitation.id,
              metadata: result.invitation.metadata,
            });
            return reply.redirect(location, 303);
          }
          return sendPage(reply, 200, acceptedPage({ ...result, email: result.session.user.email }));
        } catch (error) {
          if (!isAppError(error)) throw error;
          const formError = acceptError(error);
          if (!formError) throw error;
          return renderInvitation(request, request.params.token, reply, formError.status, {
            values,
            error: formError.error,
          });
        }
      },
    );

    scope.post(
      '/invite/:token/decline',
      {
        onRequest: limitAttempts,
        preHandler: scope.csrfProtection,
        schema: { hide: true, params: TokenParams, body: CsrfForm },
      },
      async (request, reply) => {
        const invitation = await lookupInvitation(deps, request.params.token);
        await declineInvitation(deps, request.params.token);
        return sendPage(reply, 200, declinedPage(invitation.organization.name));
      },
    );

    scope.post(
      '/invite/:token/sign-out',
      {
        onRequest: limitAttempts,
        preHandler: scope.csrfProtection,
        schema: { hide: true, params: TokenParams, body: CsrfForm },
      },
      async (request, reply) => {
        const session = await signedIn(request);
        if (session) await revokeSession(deps.db, session.sessionId, deps.clock.now().toISOString());
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect(`/invite/${encodeURIComponent(request.params.token)}`, 303);
      },
    );
  });
}

/** How a refused accept shows on the form, or undefined for errors that get a page of their own. */
function acceptError(error: AppError): { status: number; error: NonNullable<FormContext['error']> } | undefined {
  switch (error.code) {
    case 'PASSWORD_REQUIRED':
      return {
        status: 400,
        error: { field: 'password', message: error.detail ?? 'Choose a password for your account.' },
      };
    case 'PASSWORD_POLICY':
      return {
        status: 400,
        error: {
          field: 'password',
          message: `Your password ${error.fields?.[0]?.message ?? 'does not meet the policy'}.`,
        },
      };
    case 'PASSWORD_REUSED':
      return {
        status: 400,
        error: { field: 'password', message: 'Choose a new password: the current one was set by someone else.' },
      };
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
