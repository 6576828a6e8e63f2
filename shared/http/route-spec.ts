import * as z from '../lib/zod';
import type { IdempotentRoute } from './idempotency';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** `public`: anyone; `customer`: any signed-in user (admins too); `admin`: the `admin` group. */
export type Role = 'public' | 'customer' | 'admin';

export interface ResponseSpec {
  description: string;
  schema?: z.core.$ZodType;
  /** Content type when not JSON (e.g. the HTML docs page). */
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * One declaration per endpoint: it drives validation at run time, the OpenAPI document,
 * and the test that checks serverless.yml against the documented routes.
 */
export interface RouteSpec<
  P extends z.core.$ZodType = z.core.$ZodType,
  Q extends z.core.$ZodType = z.core.$ZodType,
  B extends z.core.$ZodType = z.core.$ZodType,
  R extends Role = Role,
> {
  operationId: string;
  method: HttpMethod;
  path: string;
  role: R;
  summary: string;
  tags: string[];
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Request headers the route reads (documented as parameters). `schema` states what the route
   * accepts (e.g. the length of an `Idempotency-Key`); without one, any value up to
   * MAX_HEADER_LENGTH characters.
   */
  headers?: Array<{ name: string; description: string; required?: boolean; schema?: z.core.$ZodType }>;
  responses: Record<number, ResponseSpec>;
  /** Error codes the route can answer with, besides the ones every route can. */
  errors?: Array<{ status: number; code: string }>;
  /**
   * For a `public` route: a bearer token, when one is sent and valid, is verified and its principal
   * handed to the handler (an admin may see more); a missing or bad token leaves the caller
   * anonymous, never a 401, so a public read does not fail over credentials it does not need.
   */
  optionalAuth?: boolean;
  /** Whether responses may be cached publicly (otherwise `Cache-Control: no-store`). */
  cacheable?: boolean;
  /**
   * `false` exempts the route from the per-principal request limit (docs/contract.md §2 limits every
   * route; exempt one only for a caller that cannot slow down, and say why). Default: limited.
   */
  rateLimited?: boolean;
  /**
   * The route runs at most once per caller and `Idempotency-Key`: the HTTP stack claims the key
   * (beside the handler's reads), replays a stored answer, and stores the route's 4xx; the handler
   * hands `ctx.idempotency` to the operation, which completes the record in its own transaction.
   */
  // biome-ignore lint/suspicious/noExplicitAny: each route states its own result type.
  idempotent?: IdempotentRoute<any>;
}

/**
 * Declares a route; keeps the literal types of its schemas for the handler. Declare it
 * `/* @__PURE__ *\/ defineRoute({...})`, and mark the calls in its arguments too (an inline
 * `z.strictObject(...)`, `pageOf(...)`): esbuild drops an unused declaration only when its arguments
 * are free of side effects, and does not see zod's own no-side-effects marks across files. Without
 * the marks (or with a spread in the arguments) every function of the module bundles the route and
 * its schemas, used or not.
 */
export function defineRoute<
  P extends z.core.$ZodType,
  Q extends z.core.$ZodType,
  B extends z.core.$ZodType,
  R extends Role,
>(spec: RouteSpec<P, Q, B, R>): RouteSpec<P, Q, B, R> {
  return spec;
}

/** Whether the route's body may be left out (its schema accepts `undefined`): then no body is not a 415. */
export const bodyIsOptional = (spec: RouteSpec): boolean =>
  spec.body !== undefined && z.safeParse(spec.body, undefined).success;
