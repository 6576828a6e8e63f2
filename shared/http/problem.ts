import { AppError } from '../errors';
import type { HttpResponse } from './request-state';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Middy's own HTTP errors (http-json-body-parser and friends) carry a statusCode. */
interface MiddyHttpError extends Error {
  statusCode: number;
  expose?: boolean;
  cause?: { package?: string };
}

const isMiddyHttpError = (error: unknown): error is MiddyHttpError =>
  error instanceof Error && typeof (error as Partial<MiddyHttpError>).statusCode === 'number';

/** Turns any thrown value into an AppError; anything unknown becomes a generic 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isMiddyHttpError(error)) {
    if (error.statusCode === 415) {
      return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', {
        detail: 'Send the request body as application/json.',
        cause: error,
      });
    }
    if (error.statusCode === 422 && error.cause?.package === '@middy/http-json-body-parser') {
      return new AppError(400, 'MALFORMED_JSON', 'Malformed JSON', {
        detail: 'The request body is not valid JSON.',
        cause: error,
      });
    }
    if (error.statusCode === 400 && error.cause?.package === '@middy/http-json-body-parser') {
      // prototype-pollution keys (__proto__, constructor) are refused by the parser
      return new AppError(400, 'VALIDATION_FAILED', 'Validation failed', {
        detail: 'The request body contains a forbidden key.',
        cause: error,
      });
    }
  }
  return new AppError(500, 'INTERNAL_ERROR', 'Internal server error', {
    detail: 'Something went wrong on our side. The request id identifies it in our logs.',
    cause: error,
  });
}

/** An RFC 9457 problem document. 5xx bodies stay generic; details go to the logs only. */
export function problemResponse(error: AppError, requestId: string): HttpResponse {
  const body = {
    type: `https://cartwheel.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    code: error.code,
    detail: error.detail,
    ...(error.errors ? { errors: error.errors } : {}),
    requestId,
  };
  return {
    statusCode: error.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...error.headers },
    body: JSON.stringify(body),
  };
}
