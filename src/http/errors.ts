/**
 * The one error catalogue. A service throws `new AppError('ROLE_NOT_FOUND')`; each surface's error
 * handler renders the code in that surface's format (problem details on the native API).
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request contains invalid parameters' },
  MALFORMED_REQUEST: { status: 400, title: 'The request body could not be read' },
  UNKNOWN_ROLE: { status: 400, title: 'No such role in this organization' },
  UNKNOWN_INVITER: { status: 400, title: 'The inviter is not an active member of this organization' },
  DUPLICATE_EMAIL: { status: 400, title: 'The same email address appears more than once in the request' },
  REDIRECT_URL_NOT_ALLOWED: { status: 400, title: 'The redirect URL is not on an allowed origin' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, title: 'The webhook URL must be https and reach public addresses only' },
  PASSWORD_POLICY: { status: 400, title: 'The password does not meet the password policy' },
  PASSWORD_REQUIRED: { status: 400, title: 'A password is needed to create the account' },
  PASSWORD_REUSED: { status: 400, title: 'Choose a new password: the current one was set by someone else' },
  INVALID_CURSOR: { status: 400, title: 'The pagination cursor is not valid for this query' },
  ORGANIZATION_REQUIRED: {
    status: 400,
    title: 'You manage several organizations: name one in the x-organization-id header',
  },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Email or password is incorrect' },
  SIGN_IN_REQUIRED: { status: 401, title: 'This email address has an account: sign in to accept' },
  FORBIDDEN: { status: 403, title: 'You do not have permission to do this' },
  PLATFORM_CLIENT_REQUIRED: { status: 403, title: 'Only a platform client may do this' },
  ROLE_NOT_ASSIGNABLE: { status: 403, title: 'You cannot grant a role with more permissions than your own' },
  EMAIL_MISMATCH: { status: 403, title: 'This invitation was sent to another email address' },
  NOT_FOUND: { status: 404, title: 'The requested resource was not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'There is no such route' },
  ORGANIZATION_NOT_FOUND: { status: 404, title: 'Organization not found' },
  ROLE_NOT_FOUND: { status: 404, title: 'Role not found' },
  MEMBER_NOT_FOUND: { status: 404, title: 'Member not found' },
  INVITATION_NOT_FOUND: { status: 404, title: 'Invitation not found' },
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, title: 'Webhook endpoint not found' },
  WEBHOOK_ENDPOINT_DISABLED: { status: 409, title: 'The webhook endpoint is disabled' },
  WEBHOOK_TESTS_PENDING: { status: 409, title: 'The webhook endpoint has test deliveries still to be tried' },
  WEBHOOK_ENDPOINT_LIMIT: { status: 409, title: 'The organization has as many webhook endpoints as it may have' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, title: 'Webhook delivery not found' },
  INVITATION_LINK_INVALID: { status: 404, title: 'This invitation link is invalid or has expired' },
  PASSWORD_SETUP_LINK_INVALID: { status: 404, title: 'This password link is invalid, has expired or was used' },
  SLUG_TAKEN: { status: 409, title: 'An organization with this slug already exists' },
  ROLE_NAME_TAKEN: { status: 409, title: 'A role with this name already exists in the organization' },
  INVITATION_ALREADY_PENDING: { status: 409, title: 'This email address already has a pending invitation' },
  ALREADY_A_MEMBER: { status: 409, title: 'This email address already belongs to a member' },
  INVITATION_NOT_PENDING: { status: 409, title: 'The invitation is no longer pending' },
  WEBHOOK_DELIVERY_IN_FLIGHT: { status: 409, title: 'The delivery is being attempted right now' },
  // 409, not 429: waiting does not lift the cap; revoking, or invitations being answered or expiring, does.
  PENDING_INVITATION_LIMIT: { status: 409, title: 'The organization has as many pending invitations as it may have' },
  OWNER_IS_PERMANENT: {
    status: 409,
    title: 'The owner (MAIN user) cannot be removed or demoted; assign another owner first',
  },
  IDEMPOTENCY_KEY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was used with a different request body' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, title: 'An unexpected error occurred' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is not ready' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  readonly fields: FieldError[] | undefined;
  /** Response headers the error calls for, such as `WWW-Authenticate` on a 401. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options: { fields?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? ERRORS[code].title);
    this.fields = options.fields;
    this.headers = options.headers;
    this.name = 'AppError';
    this.status = ERRORS[code].status;
    this.title = ERRORS[code].title;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Turns `/permissions/read/0` (Ajv's instancePath) into `permissions.read[0]`. */
export function fieldFromPointer(pointer: string, missingProperty?: string): string {
  const parts = pointer.split('/').filter(Boolean);
  if (missingProperty) parts.push(missingProperty);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
