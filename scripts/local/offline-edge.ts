/**
 * What the local web server (serverless-offline's hapi) answers by itself, made to say what the
 * deployed API says: bundled into the offline-fidelity plugin (offline-fidelity.cjs), it builds
 * those answers with the same code the functions use.
 * - CORS preflights: in AWS no CORS is configured on the HTTP API, so an `OPTIONS` reaches the
 *   fallback function, which answers it by our policy (`CORS_ALLOWED_ORIGINS`). hapi answers
 *   preflights itself, reflecting any origin with credentials; here they get the fallback's answer.
 * - Requests hapi refuses before any function runs (a path that is not valid percent-encoding, a
 *   `Content-Type` it cannot parse, a broken chunked body): a problem document with our headers,
 *   instead of hapi's bare `{"statusCode":400,"error":"Bad Request"}`.
 * - Answers that no function made: when a function times out, crashes or waited too long for an
 *   instance, serverless-offline answers `200` with its own error body (`{"errorMessage":"[504] -
 *   Lambda timeout.",…}`) and none of our headers. API Gateway answers a failed integration with a
 *   5xx; here it is a 5xx problem document with our headers.
 */
import { routes } from '../../shared/api/routes';
import { AppError } from '../../shared/errors';
import { requestIdFrom } from '../../shared/http/middlewares/request-context';
import { corsHeadersFor, preflightHeaders, securityHeaders } from '../../shared/http/middlewares/response-headers';
import { problemResponse } from '../../shared/http/problem';
import { methodsForPath, routeFor } from '../../shared/http/route-matcher';
import { WAIT_REFUSAL } from './warm-pool';

export interface EdgeRequest {
  method: string;
  /** The path as sent, before any decoding. */
  rawPath: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface EdgeAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** The fallback function's answer to a preflight (functions/http/fallback.ts), with our headers. */
export function preflightAnswer(request: EdgeRequest, allowedOrigins: string[]): EdgeAnswer {
  const origin = single(request.headers.origin);
  const requestId = requestIdFrom(single(request.headers['x-request-id']));
  let path = request.rawPath;
  try {
    path = decodeURI(request.rawPath);
  } catch {
    // Not decodable: no route matches it, so it is answered as unknown.
  }
  const methods = methodsForPath(routes, path);
  if (methods.length === 0) {
    return problemAnswer(request, allowedOrigins, 404, 'ROUTE_NOT_FOUND', `There is no route OPTIONS ${path}.`);
  }
  return {
    statusCode: 204,
    headers: {
      'Cache-Control': 'no-store',
      ...preflightHeaders(origin, methods, allowedOrigins),
      ...securityHeaders(),
      'X-Request-Id': requestId,
    },
  };
}

/**
 * Whether the function behind a request reads a body. One that does not ignores whatever was
 * sent, as in AWS, so the local web server must not refuse its Content-Type either.
 */
export function takesBody(request: EdgeRequest): boolean {
  let path = request.rawPath;
  try {
    path = decodeURI(path);
  } catch {
    return true;
  }
  return routeFor(routes, request.method, path)?.body !== undefined;
}

const CODES: Record<number, { code: string; title: string }> = {
  400: { code: 'MALFORMED_REQUEST', title: 'Malformed request' },
  404: { code: 'ROUTE_NOT_FOUND', title: 'Not found' },
  405: { code: 'METHOD_NOT_ALLOWED', title: 'Method not allowed' },
  408: { code: 'REQUEST_TIMEOUT', title: 'Request timeout' },
  413: { code: 'PAYLOAD_TOO_LARGE', title: 'Payload too large' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type' },
  500: { code: 'INTERNAL_ERROR', title: 'Internal server error' },
  503: { code: 'SERVICE_UNAVAILABLE', title: 'Service unavailable' },
  504: { code: 'FUNCTION_TIMEOUT', title: 'Gateway timeout' },
};

/** Whether an answer is one a function of ours made: every one carries its request id. */
export function isOurs(headers: Record<string, unknown>): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'x-request-id');
}

/**
 * The problem document for an answer serverless-offline made by itself (`body`, its Lambda error
 * document): a timeout is a 504, a request that found every instance busy for too long a 503 to
 * retry, anything else (a crash, a broken answer) the 500 our own error mapper gives the unknown.
 * 5xx bodies stay generic; serverless-offline has logged the error itself.
 */
export function foreignAnswer(request: EdgeRequest, allowedOrigins: string[], body: unknown): EdgeAnswer {
  let error: { errorMessage?: unknown; errorType?: unknown } = {};
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed !== null && typeof parsed === 'object') error = parsed;
  } catch {
    // Not JSON: an unknown failure.
  }
  const message = String(error.errorMessage ?? '');
  if (error.errorType === 'LambdaTimeoutError' || message.startsWith('[504]'))
    return problemAnswer(request, allowedOrigins, 504, 'FUNCTION_TIMEOUT', 'The function did not answer in time.');
  if (message.startsWith(WAIT_REFUSAL))
    return problemAnswer(
      request,
      allowedOrigins,
      503,
      'SERVICE_UNAVAILABLE',
      'Every instance of the function stayed busy; try again.',
      { 'Retry-After': '5' },
    );
  return problemAnswer(request, allowedOrigins, 500, 'INTERNAL_ERROR', 'Something went wrong on our side.');
}

/**
 * A problem document for an answer hapi made by itself (`status` and its message), as our HTTP
 * stack would have made it: a `Content-Type` hapi cannot parse is the 415 our parser answers for
 * any type but JSON; a path that is not percent-encoded UTF-8 is the 400 of path-segments.ts.
 */
export function refusalAnswer(
  request: EdgeRequest,
  allowedOrigins: string[],
  status: number,
  message: string,
): EdgeAnswer {
  if (/content-type/i.test(message))
    return problemAnswer(
      request,
      allowedOrigins,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as `application/json` (charset utf-8, or none).',
    );
  if (!decodable(request.rawPath))
    return problemAnswer(
      request,
      allowedOrigins,
      400,
      'VALIDATION_FAILED',
      'The request path is not valid percent-encoded UTF-8.',
    );
  if (status >= 500)
    return problemAnswer(request, allowedOrigins, 500, 'INTERNAL_ERROR', 'Something went wrong on our side.');
  const known = CODES[status] ?? CODES[400];
  return problemAnswer(
    request,
    allowedOrigins,
    CODES[status] ? status : 400,
    known?.code ?? 'MALFORMED_REQUEST',
    message,
  );
}

function problemAnswer(
  request: EdgeRequest,
  allowedOrigins: string[],
  status: number,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): EdgeAnswer {
  const requestId = requestIdFrom(single(request.headers['x-request-id']));
  const title = CODES[status]?.title ?? (status >= 500 ? 'Internal server error' : 'Bad request');
  const problem = problemResponse(new AppError(status, code, title, { detail, headers }), requestId);
  return {
    statusCode: status,
    headers: {
      ...problem.headers,
      'Cache-Control': 'no-store',
      ...corsHeadersFor(single(request.headers.origin), allowedOrigins),
      ...securityHeaders(),
      'X-Request-Id': requestId,
    },
    body: problem.body ?? '',
  };
}
