import { Type, type TSchema } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid', description: 'A UUID.' });

export const OrganizationParams = Type.Object({ orgId: Uuid });

/** RFC 9457 problem details, as every native error is rendered. */
export const ProblemDetails = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable UPPER_SNAKE error code.' }),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'ProblemDetails', title: 'Problem details (RFC 9457)' },
);

const problem = Type.Ref('ProblemDetails');

/** The error responses a protected native route can give, for its schema. */
export function problemResponses<T extends number>(...statuses: T[]): Record<T, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problem])) as unknown as Record<T, TSchema>;
}

export const NATIVE_SECURITY = [{ bearerAuth: [] }];
