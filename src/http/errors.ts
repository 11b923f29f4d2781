/**
 * The one error catalogue. A service throws `new AppError('ROLE_NOT_FOUND')`; each surface's error
 * handler renders the code in that surface's format (problem details on the native API).
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request contains invalid parameters' },
  MALFORMED_REQUEST: { status: 400, title: 'The request body could not be read' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Email or password is incorrect' },
  FORBIDDEN: { status: 403, title: 'You do not have permission to do this' },
  PLATFORM_CLIENT_REQUIRED: { status: 403, title: 'Only a platform client may do this' },
  NOT_FOUND: { status: 404, title: 'The requested resource was not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'There is no such route' },
  ORGANIZATION_NOT_FOUND: { status: 404, title: 'Organization not found' },
  ROLE_NOT_FOUND: { status: 404, title: 'Role not found' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  SLUG_TAKEN: { status: 409, title: 'An organization with this slug already exists' },
  ROLE_NAME_TAKEN: { status: 409, title: 'A role with this name already exists in the organization' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
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
