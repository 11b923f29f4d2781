import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app-context.js';
import { problemResponses } from '../../http/common.schemas.js';
import type { App } from '../../http/fastify-types.js';
import { EmailField, PasswordField } from '../users/user.schemas.js';
import { completePasswordSetup, PASSWORD_SETUP_REQUESTED, requestPasswordSetup } from './password-setup.service.js';

const RequestBody = Type.Object({ email: EmailField }, { additionalProperties: false });
const CompleteBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 512 }), password: PasswordField },
  { additionalProperties: false },
);

export function passwordSetupRoutes(app: App, { deps }: AppContext): void {
  app.post(
    '/v1/password-setup',
    {
      // Counted per client address like sign-in; an account is sent at most PASSWORD_SETUPS_PER_HOUR links.
      onRequest: deps.limits.attempts.hook('signIn'),
      schema: {
        tags: ['Sessions'],
        summary: 'Email a link to set the password of the account with this address',
        description:
          'The answer is the same whether or not the address has an account. The link (`/password-setup/{token}`) ' +
          'works once, for an hour; using one ends the others. An account is sent at most three an hour.',
        body: RequestBody,
        response: { 202: Type.Object({ message: Type.String() }), ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await requestPasswordSetup(deps, request.body.email);
      return reply.status(202).send({ message: PASSWORD_SETUP_REQUESTED });
    },
  );

  app.post(
    '/v1/password-setup/complete',
    {
      onRequest: deps.limits.attempts.hook('accept'),
      schema: {
        tags: ['Sessions'],
        summary: 'Set the password with the emailed link',
        description:
          "The token from the emailed link is the credential. Sets the account's own password, ends every other " +
          'session of the account, and returns a new one. Unknown, expired and used links answer 404.',
        body: CompleteBody,
        response: {
          200: Type.Object({
            token: Type.String(),
            expiresAt: Type.String({ format: 'date-time' }),
            user: Type.Ref('User'),
          }),
          ...problemResponses(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const session = await completePasswordSetup(deps, request.body.token, request.body.password);
      return reply.header('cache-control', 'no-store').send(session);
    },
  );
}
