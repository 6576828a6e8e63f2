import { createDynamoIdempotencyStore } from '../adapters/dynamo/dynamo-idempotency-store';
import { createTokenVerifier } from '../auth/token-verifier';
import { config } from '../config';
import { createHttpRoute, type HttpRouteOptions, type RouteContext } from '../http/http-route';
import { idempotencyRunner } from '../http/idempotency';
import type { HttpResult } from '../http/responses';
import type { RouteSpec } from '../http/route-spec';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import type * as z from '../lib/zod';
import { type Table, table } from './clients';
import { rateLimiter } from './rate-limits';

/** Bearer tokens: Cognito's in AWS, the local issuer's under `npm start` and in tests. */
export const tokenVerifier = /* @__PURE__ */ once(() => createTokenVerifier(config().auth));

/** Stored checkout answers by idempotency key. */
export function buildIdempotencyStore({ db, name }: Table) {
  return createDynamoIdempotencyStore(db, name, systemClock, {
    // The contract keeps keys at least 24 h; a claim outlives any request (API Gateway stops at 30 s).
    retentionSeconds: 25 * 3600,
    lockSeconds: 60,
  });
}

export const idempotencyStore = /* @__PURE__ */ once(() => buildIdempotencyStore(table()));

/**
 * The one HTTP stack every HTTP function declares its route with (shared/http/http-route.ts), over
 * the rate limiter and token verifier built here on the first request that needs them. A route
 * declared `idempotent` is refused at cold start: declare it with {@link idempotentHttpRoute}.
 */
export const httpRoute = /* @__PURE__ */ createHttpRoute({ rateLimiter, tokenVerifier });

/**
 * {@link httpRoute} for routes declared `idempotent` (`POST /v1/orders`): the same stack, which also
 * claims the `Idempotency-Key` in the store built here and replays stored answers. Only functions
 * that declare their route with this one bundle the idempotency code and store (~5 KiB).
 */
export const idempotentHttpRoute = /* @__PURE__ */ createHttpRoute({
  rateLimiter,
  tokenVerifier,
  idempotency: /* @__PURE__ */ idempotencyRunner(idempotencyStore),
});

/** The token verifier of a stack that verifies none: never asked for (see {@link publicHttpRoute}). */
const noTokenVerifier = (): never => {
  throw new Error('this HTTP stack verifies no tokens: declare a route that does with httpRoute');
};

const publicStack = /* @__PURE__ */ createHttpRoute({ rateLimiter, tokenVerifier: noTokenVerifier });

/**
 * {@link httpRoute} for a route that never verifies a token (`role: 'public'` without
 * `optionalAuth`): the same stack, built without the token verifier, so that a function declaring
 * its route with this one bundles no aws-jwt-verify (~18 KiB of its cold start). Refuses, at cold
 * start, a route that would need the verifier.
 */
export function publicHttpRoute<Spec extends RouteSpec<z.core.$ZodType, z.core.$ZodType, z.core.$ZodType, 'public'>>(
  spec: Spec,
  run: (ctx: RouteContext<Spec>) => Promise<HttpResult>,
  options?: HttpRouteOptions,
) {
  if (spec.role !== 'public' || spec.optionalAuth) {
    throw new Error(`route ${spec.operationId} verifies tokens: declare it with httpRoute`);
  }
  return publicStack(spec, run, options);
}
