import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { isAppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import {
  completePasswordSetup,
  lookupPasswordSetup,
  PASSWORD_SETUP_REQUESTED,
  requestPasswordSetup,
} from '../modules/password-setup/password-setup.service.js';
import { ENGLISH_PAGE } from './page-layout.js';
import { pageSecurityHeaders, registerPageScope, sendPage, setSessionCookie } from './page-scope.js';
import {
  choosePasswordPage,
  invalidSetupLinkPage,
  passwordSetPage,
  passwordSetupRequestedPage,
  requestPasswordSetupPage,
} from './password-setup-page.js';

/**
 * The password-setup pages: ask for a link by address (`/password-setup`), and choose the password
 * through the emailed link (`/password-setup/{token}`). Server-rendered, usable without JavaScript,
 * with the invitee page's headers and CSRF protection.
 */

const CSRF_COOKIE = 'tessera_setup_csrf';
/** What the request form's CSRF token is bound to (a choose-password form's is bound to its link). */
const REQUEST_FORM = 'password-setup-request';
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) });
const RequestForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 1024 })),
  email: Type.Optional(Type.String({ maxLength: 4096 })),
});
const ChooseForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 1024 })),
  email: Type.Optional(Type.String({ maxLength: 4096 })),
  password: Type.Optional(Type.String({ maxLength: 4096 })),
});

/** A setup link the router cannot even decode is as dead as an unknown one: the same page. */
export function sendUnroutableSetupLinkPage(reply: FastifyReply, config: AppContext['deps']['config']): FastifyReply {
  return sendPage(reply.headers(pageSecurityHeaders(config)), 404, invalidSetupLinkPage());
}

export async function passwordSetupWebRoutes(app: App, { deps }: AppContext): Promise<void> {
  const options = {
    csrfCookie: CSRF_COOKIE,
    cookiePath: '/password-setup',
    // A choose-password form's token is bound to its link; the request form's to a name of its own.
    bindFormTo: (request: FastifyRequest) => (request.params as { token?: string }).token ?? REQUEST_FORM,
    deadLinkPage: invalidSetupLinkPage,
    deadLinkCode: 'PASSWORD_SETUP_LINK_INVALID',
    // The password-setup pages are in English; so are their error pages.
    lookOf: () => ENGLISH_PAGE,
  };
  await registerPageScope(app, deps, options, (scope) => {
    async function renderChoose(
      reply: FastifyReply,
      token: string,
      status: number,
      error?: string,
    ): Promise<FastifyReply> {
      const { email } = await lookupPasswordSetup(deps, token);
      return sendPage(
        reply,
        status,
        choosePasswordPage({ email, token, csrf: reply.generateCsrf({ userInfo: token }), error }),
      );
    }

    scope.get('/password-setup', { schema: { hide: true } }, async (_request, reply) =>
      sendPage(reply, 200, requestPasswordSetupPage({ csrf: reply.generateCsrf({ userInfo: REQUEST_FORM }) })),
    );

    scope.post(
      '/password-setup',
      {
        onRequest: deps.limits.attempts.hook('signIn'),
        preHandler: scope.csrfProtection,
        schema: { hide: true, body: RequestForm },
      },
      async (request, reply) => {
        const email = request.body.email?.trim() ?? '';
        if (!email) {
          return sendPage(
            reply,
            400,
            requestPasswordSetupPage({
              csrf: reply.generateCsrf({ userInfo: REQUEST_FORM }),
              error: 'Enter your email address.',
            }),
          );
        }
        await requestPasswordSetup(deps, email);
        return sendPage(reply, 200, passwordSetupRequestedPage(PASSWORD_SETUP_REQUESTED));
      },
    );

    scope.get('/password-setup/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) =>
      renderChoose(reply, request.params.token, 200),
    );

    scope.post(
      '/password-setup/:token',
      {
        onRequest: deps.limits.attempts.hook('accept'),
        preHandler: scope.csrfProtection,
        schema: { hide: true, params: TokenParams, body: ChooseForm },
      },
      async (request, reply) => {
        try {
          const session = await completePasswordSetup(deps, request.params.token, request.body.password ?? '');
          setSessionCookie(reply, deps, session.token);
          return sendPage(reply, 200, passwordSetPage(session.user.email));
        } catch (error) {
          if (isAppError(error) && error.code === 'PASSWORD_POLICY') {
            return renderChoose(
              reply,
              request.params.token,
              400,
              `Your password ${error.fields?.[0]?.message ?? 'does not meet the policy'}.`,
            );
          }
          throw error;
        }
      },
    );
  });
}
