import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Principal } from '../auth/principal';
import type { RateLimitDecision } from '../domain/rate-limit/rate-limiter';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = Exclude<APIGatewayProxyResultV2, string> & { headers?: Record<string, string> };

/** What the middlewares learn about a request, handed to the route handler. */
export interface RequestState {
  requestId: string;
  principal?: Principal;
  body?: unknown;
  /** The parsed JSON body, before validation; absent when the request had none. */
  jsonBody?: { value: unknown };
  params?: unknown;
  query?: unknown;
  /**
   * The request counter's decision while it is still being written: for safe methods and idempotent
   * routes the rate-limit middleware lets the handler run meanwhile and settles this before the
   * answer leaves (an idempotent route's claim waits for it).
   */
  rateLimit?: Promise<RateLimitDecision>;
}

export type HttpRequest = Request<HttpEvent, HttpResponse, Error, Context>;

// Keyed by the event object, which Middy hands unchanged from the middlewares to the handler.
const states = new WeakMap<HttpEvent, RequestState>();

export function initState(event: HttpEvent, requestId: string): RequestState {
  const state: RequestState = { requestId };
  states.set(event, state);
  return state;
}

export function peekState(event: HttpEvent): RequestState | undefined {
  return states.get(event);
}

export function stateOf(event: HttpEvent): RequestState {
  const state = states.get(event);
  if (!state) throw new Error('request state used before the request-context middleware ran');
  return state;
}

/** Header lookup on an API Gateway v2 event (names arrive lower-cased; be tolerant anyway). */
export function header(event: HttpEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const lower = name.toLowerCase();
  if (headers[lower] !== undefined) return headers[lower];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** The middleware shape of the HTTP stack. */
export type HttpMiddleware = MiddlewareObj<HttpEvent, HttpResponse, Error, Context>;
