import { AppError, type FieldError } from '../errors';
import type { HttpResponse } from './request-state';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Longest `detail`, `errors[].path` and `errors[].message` of a problem document (longer ones are cut). */
export const MAX_PROBLEM_TEXT = 1000;

/** Turns any thrown value into an AppError; anything unknown becomes a generic 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(500, 'INTERNAL_ERROR', 'Internal server error', {
    detail: 'Something went wrong on our side. The request id identifies it in our logs.',
    cause: error,
  });
}

/**
 * Texts of a problem document may quote the request (a path, a field name): they are cut to the
 * length the OpenAPI document states, without splitting a surrogate pair.
 */
function cut(text: string): string {
  if (text.length <= MAX_PROBLEM_TEXT) return text;
  const head = text.slice(0, MAX_PROBLEM_TEXT - 1);
  return `${/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head}…`;
}

const cutError = (error: FieldError): FieldError => ({ ...error, path: cut(error.path), message: cut(error.message) });

/** An RFC 9457 problem document. 5xx bodies stay generic; details go to the logs only. */
export function problemResponse(error: AppError, requestId: string): HttpResponse {
  const body = {
    type: `https://cartwheel.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    code: error.code,
    detail: cut(error.detail),
    ...(error.errors ? { errors: error.errors.map(cutError) } : {}),
    requestId,
  };
  return {
    statusCode: error.status,
    headers: {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      ...(error.retryAfterSeconds !== undefined && { 'Retry-After': String(error.retryAfterSeconds) }),
      ...error.headers,
    },
    body: JSON.stringify(body),
  };
}
