import { Type } from '@sinclair/typebox';
import { principalOf, type AppContext } from '../../app-context.js';
import { NATIVE_SECURITY, problemResponses } from '../../http/common.schemas.js';
import { AppError } from '../../http/errors.js';
import type { App } from '../../http/fastify-types.js';
import { EmailField } from '../users/user.schemas.js';
import { revokeSession } from './session.repository.js';
import { signIn } from './session.service.js';

const SignInBody = Type.Object(
  { email: EmailField, password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

const SessionResponse = Type.Object({
  token: Type.String({ description: 'Send as `Authorization: Bearer <token>` or `x-session-token`. Shown once.' }),
  expiresAt: Type.String({ format: 'date-time' }),
  user: Type.Ref('User'),
});

export function sessionRoutes(app: App, { deps }: AppContext): void {
  app.post(
    '/v1/sessions',
    {
      // Counted before the body is read: password guessing pays per attempt, right or wrong.
      onRequest: deps.limits.attempts.hook('signIn'),
      schema: {
        tags: ['Sessions'],
        summary: 'Sign in with email and password',
        body: SignInBody,
        response: { 201: SessionResponse, ...problemResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const session = await signIn(deps, request.body.email, request.body.password);
      return reply.status(201).header('cache-control', 'no-store').send(session);
    },
  );

  app.delete(
    '/v1/sessions/current',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['Sessions'],
        summary: 'Sign out (end the session whose token is sent)',
        security: NATIVE_SECURITY,
        response: { 204: Type.Null(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a session token can be signed out.');
      await revokeSession(deps.db, principal.sessionId, deps.clock.now().toISOString());
      return reply.status(204).send(null);
    },
  );
}
