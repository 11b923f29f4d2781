import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AcceptanceTokens } from '../auth/acceptance-token.js';
import type { Config } from '../config.js';
import { NOT_SINGLE_LINE } from '../http/common.schemas.js';
import { type AppError, isAppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import { acceptInvitation, HELD_LINK_PASSWORD } from '../modules/invitations/invitation.accept.js';
import {
  declineInvitation,
  type InvitationLookup,
  lookupInvitation,
} from '../modules/invitations/invitation.invitee.js';
import { revokeSession } from '../modules/sessions/session.repository.js';
import { resolveSession, sessionReaches, type SessionPrincipal } from '../modules/sessions/session.service.js';
import { checkEmail, isEmailProblem } from '../modules/users/email.js';
import { brokenPasswordRule, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password-policy.js';
import { isLocale, type Locale, negotiateLocale } from '../i18n/locales.js';
import type { MessageKey } from '../i18n/catalogs/index.js';
import { type MessageValues, messagesFor } from '../i18n/messages.js';
import {
  acceptedPage,
  declinedPage,
  invalidLinkPage,
  invitationPage,
  wrongAccountPage,
  type FormContext,
} from './invite-page.js';
import { brandSources, type PageLook } from './page-layout.js';
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
function nameProblem(field: 'firstName' | 'lastName', value: string | undefined): FormError | undefined {
  if (value === undefined) return undefined;
  if (NOT_SINGLE_LINE.test(value)) return { status: 400, field, key: 'error.name.singleLine' };
  if (value.trim().length > NAME_MAX)
    return { status: 400, field, key: 'error.name.tooLong', values: { max: NAME_MAX } };
  return undefined;
}

/** A refusal the form shows, as the catalog words it: written in the page's language when shown. */
interface FormError {
  status: number;
  /** The field it is about; none: the form as a whole. */
  field?: 'password' | 'firstName' | 'lastName';
  key: MessageKey;
  values?: MessageValues;
}

/**
 * The language the reader asked for with `?lang=`, when it is one Tessera speaks. The query has no
 * schema: anything else in it (a repeated `lang`, a mail program's tracking) is ignored, not refused.
 */
function chosenLocale(request: FastifyRequest): Locale | undefined {
  const lang = (request.query as { lang?: unknown } | undefined)?.lang;
  return isLocale(lang) ? lang : undefined;
}

/**
 * The language of a page that knows no invitation (a dead link, a failure): the one asked for, else
 * the browser's preference, else the service's default.
 */
function requestLook(request: FastifyRequest, config: Config): PageLook {
  const locale = chosenLocale(request) ?? negotiateLocale(request.headers['accept-language']) ?? config.defaultLocale;
  return { messages: messagesFor(locale) };
}

/** The invitation's page in the language asked for (else its own), with the organization's brand and the other languages. */
function invitationLookFor(request: FastifyRequest, token: string, invitation: InvitationLookup): PageLook {
  const { branding, displayName } = invitation.look;
  return {
    messages: messagesFor(chosenLocale(request) ?? invitation.locale),
    languageHref: (locale) => `/invite/${encodeURIComponent(token)}?lang=${encodeURIComponent(locale)}`,
    accent: branding.accentColor,
    logo: branding.logoUrl ? { url: branding.logoUrl, alt: displayName } : undefined,
  };
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
export function sendUnroutableLinkPage(request: FastifyRequest, reply: FastifyReply, config: Config): FastifyReply {
  return sendPage(reply.headers(pageSecurityHeaders(config)), 404, invalidLinkPage(requestLook(request, config)));
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
    lookOf: (request: FastifyRequest) => requestLook(request, deps.config),
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
      refused?: { values: FormContext['values']; error: FormError },
    ): Promise<FastifyReply> {
      let invitation: InvitationLookup;
      try {
        invitation = await lookupInvitation(deps, token);
      } catch (error) {
        if (isAppError(error) && error.code === 'INVITATION_LINK_INVALID')
          return sendPage(reply, 404, invalidLinkPage(requestLook(request, deps.config)));
        throw error;
      }
      const session = await signedIn(request);
      const look = invitationLookFor(request, token, invitation);
      reply.headers(pageSecurityHeaders(deps.config, brandSources(look)));
      const context: FormContext = {
        token,
        csrf: reply.generateCsrf({ userInfo: token }),
        look,
        ...(refused && {
          values: refused.values,
          error: {
            message: look.messages.text(refused.error.key, refused.error.values),
            ...(refused.error.field && { field: refused.error.field }),
          },
        }),
      };
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
          const error = nameProblem(name, request.body[name]);
          if (error) return renderInvitation(request, request.params.token, reply, error.status, { values, error });
        }
        const session = await signedIn(request);
        // The page after the accept speaks the invitation's language and wears its brand: read first,
        // since an accepted invitation is no longer found by its link.
        const invitation = await lookupInvitation(deps, request.params.token);
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
          const look = { ...invitationLookFor(request, request.params.token, invitation), languageHref: undefined };
          return sendPage(
            reply.headers(pageSecurityHeaders(deps.config, brandSources(look))),
            200,
            acceptedPage(
              { organization: invitation.look.displayName, role: result.role, email: result.session.user.email },
              look,
            ),
          );
        } catch (error) {
          if (!isAppError(error)) throw error;
          const password = request.body.password;
          const formError = acceptError(error, password);
          if (!formError) throw error;
          return renderInvitation(request, request.params.token, reply, formError.status, {
            values,
            error: formError,
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
        const look = invitationLookFor(request, request.params.token, invitation);
        return sendPage(
          reply.headers(pageSecurityHeaders(deps.config, brandSources(look))),
          200,
          declinedPage(invitation.look.displayName, { ...look, languageHref: undefined }),
        );
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
        const lang = chosenLocale(request);
        const query = lang ? `?lang=${encodeURIComponent(lang)}` : '';
        return reply.redirect(`/invite/${encodeURIComponent(request.params.token)}${query}`, 303);
      },
    );
  });
}

/** How a refused accept shows on the form, or undefined for errors that get a page of their own. */
function acceptError(error: AppError, password: string | undefined): FormError | undefined {
  const onPassword = (status: number, key: MessageKey, values?: MessageValues): FormError => ({
    status,
    field: 'password',
    key,
    ...(values && { values }),
  });
  switch (error.code) {
    case 'PASSWORD_REQUIRED':
      // Without an emailed link, the page cannot tell a new account from an existing one: it says both.
      return onPassword(
        400,
        error.detail === HELD_LINK_PASSWORD ? 'page.intro.choosePasswordOrSignIn' : 'error.password.required',
      );
    case 'PASSWORD_POLICY': {
      const rule = brokenPasswordRule(password ?? '') ?? 'tooShort';
      return onPassword(400, `error.password.${rule}`, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
    }
    case 'PASSWORD_REUSED':
      return onPassword(400, 'error.password.reused');
    case 'SIGN_IN_REQUIRED':
      return onPassword(401, 'error.signInRequired');
    case 'INVALID_CREDENTIALS':
      return onPassword(401, 'error.invalidCredentials');
    case 'EMAIL_MISMATCH':
      return { status: 403, key: 'error.emailMismatch' };
    default:
      return undefined;
  }
}
