/**
 * The one error family. Domain modules throw subclasses with a stable `code`; the HTTP
 * layer maps them to problem+json, workers decide retry or park by `transient`.
 */
export interface FieldError {
  path: string;
  message: string;
  [extra: string]: unknown;
}

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** When a retry may succeed: the HTTP layer sends it as `Retry-After` (whole seconds). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly retryAfterSeconds?: number;

  constructor(status: number, code: string, title: string, options: AppErrorOptions = {}) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = options.detail ?? title;
    this.errors = options.errors;
    this.headers = options.headers;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** 5xx errors are worth retrying; 4xx are the caller's to fix. */
  get transient(): boolean {
    return this.status >= 500;
  }

  toJSON() {
    return { name: this.name, code: this.code, status: this.status, detail: this.detail, errors: this.errors };
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = 'The request is not valid.') {
    super(400, 'VALIDATION_FAILED', 'Validation failed', { detail, errors });
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, detail: string, errors?: FieldError[]) {
    super(404, code, 'Not found', { detail, errors });
  }
}

export class ConflictError extends AppError {
  constructor(code: string, detail: string, errors?: FieldError[]) {
    super(409, code, 'Conflict', { detail, errors });
  }
}

export class PreconditionFailedError extends AppError {
  constructor(detail = 'The resource has changed since it was read (If-Match does not match).') {
    super(412, 'PRECONDITION_FAILED', 'Precondition failed', { detail });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(detail = 'A valid bearer token is required.', cause?: unknown) {
    super(401, 'UNAUTHENTICATED', 'Unauthenticated', {
      detail,
      cause,
      headers: { 'WWW-Authenticate': 'Bearer realm="cartwheel", error="invalid_token"' },
    });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'Your token does not grant access to this operation.') {
    super(403, 'FORBIDDEN', 'Forbidden', { detail });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(detail = 'A dependency is unavailable. Try again shortly.', cause?: unknown) {
    super(503, 'SERVICE_UNAVAILABLE', 'Service unavailable', { detail, cause, retryAfterSeconds: 5 });
  }
}

/**
 * 503: an optimistic write kept losing to concurrent writes of the same item (see
 * `retryOnConflict`); a retry a moment later usually wins. `CONTENTION` unless a context names it.
 */
export class ContentionError extends AppError {
  constructor(detail: string, { code = 'CONTENTION', title = 'Too much contention' } = {}) {
    super(503, code, title, { detail, retryAfterSeconds: 1 });
  }
}
