import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { logError, toAppError } from '../http/error-handler.js';
import { isAppError } from '../http/errors.js';
import type { App } from '../http/fastify-types.js';
import {
  completePasswordSetup,
  lookupPasswordSetup,
  PASSWORD_SETUP_REQUESTED,
  requestPasswordSetup,
} from '../modules/password-setup/password-setup.service.js';
import { errorPage } from './invite-page.js';
import { pageSecurityHeaders, sendPage, setSessionCookie } from './invite.routes.js';
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
const RequestForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 1024 })), email: Type.Optional(Type.String({ maxLength: 4096 })) });
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
  const secure = new URL(deps.config.publicUrl).protocol === 'https:';
  const securityHeaders = pageSecurityHeaders(deps.config);

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(cookie, { secret: deps.secrets.key('csrf').toString('base64url') });
    await scope.register(formbody);
    await scope.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: CSRF_COOKIE,
      cookieOpts: { path: '/password-setup', httpOnly: true, sameSite: 'strict', secure, signed: true },
      // A choose-password form's token is bound to its link.
      getUserInfo: (request: FastifyRequest) => (request.params as { token?: string }).token ?? REQUEST_FORM,
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
      const badLink = (error as { validationContext?: string }).validationContext === 'params';
      if (appError.code === 'PASSWORD_SETUP_LINK_INVALID' || badLink) return sendPage(reply, 404, invalidSetupLinkPage());
      if (appError.status >= 500) {
        if (appError.headers) reply.headers(appError.headers);
        return sendPage(reply, appError.status === 503 ? 503 : 500, errorPage('Something went wrong', 'Please try again in a moment.', request.id));
      }
      return sendPage(reply, appError.status, errorPage("We couldn't read that form", 'Go back, reload the page and try again.'));
    });

    async function renderChoose(reply: FastifyReply, token: string, status: number, error?: string): Promise<FastifyReply> {
      const { email } = await lookupPasswordSetup(deps, token);
      return sendPage(reply, status, choosePasswordPage({ email, token, csrf: reply.generateCsrf({ userInfo: token }), error }));
    }

    scope.get('/password-setup', { schema: { hide: true } }, async (_request, reply) =>
      sendPage(reply, 200, requestPasswordSetupPage({ csrf: reply.generateCsrf({ userInfo: REQUEST_FORM }) })),
    );

    scope.post(
      '/password-setup',
      { onRequest: deps.limits.attempts.hook('signIn'), preHandler: scope.csrfProtection, schema: { hide: true, body: RequestForm } },
      async (request, reply) => {
        const email = request.body.email?.trim() ?? '';
        if (!email) {
          return sendPage(reply, 400, requestPasswordSetupPage({ csrf: reply.generateCsrf({ userInfo: REQUEST_FORM }), error: 'Enter your email address.' }));
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
          setSessionCookie(reply, deps, session.token, secure);
          return sendPage(reply, 200, passwordSetPage(session.user.email));
        } catch (error) {
          if (isAppError(error) && error.code === 'PASSWORD_POLICY') {
            return renderChoose(reply, request.params.token, 400, `Your password ${error.fields?.[0]?.message ?? 'does not meet the policy'}.`);
          }
          throw error;
        }
      },
    );
  });
}
