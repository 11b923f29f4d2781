import { Type, type TSchema } from '@sinclair/typebox';

/** Lower-case hyphenated hex, as Tessera writes ids: the same string compares equal on every database. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export const Uuid = Type.String({ pattern: UUID_PATTERN, description: 'A UUID (lower-case).' });

const SINGLE_LINE_FORBIDDEN = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029';

/**
 * One line of human text: no control characters (PostgreSQL cannot even store NUL), C1 ones
 * (U+0085 is a line break to some) and Unicode line and paragraph separators included. Names end
 * up in email subjects: none of them may start a new line there.
 */
export function SingleLine(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ pattern: `^[^${SINGLE_LINE_FORBIDDEN}]*$`, ...options });
}

/** What SingleLine refuses, for text that arrives without a schema to judge it (HTML forms). */
export const NOT_SINGLE_LINE = new RegExp(`[${SINGLE_LINE_FORBIDDEN}]`);

/** Free text that may have line breaks and tabs, but no other control character. */
export function MultiLine(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ pattern: '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$', ...options });
}

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
