import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import type { Principal } from '../auth/principal';
import type { TokenVerifier } from '../auth/token-verifier';
import { config } from '../config';
import type { IdempotencyCompletion } from '../domain/idempotency/idempotency';
import { RateLimitedError } from '../domain/rate-limit/rate-limit-errors';
import type { RateLimitDecision, RateLimiter } from '../domain/rate-limit/rate-limiter';
import type * as z from '../lib/zod';
import { logger } from '../observability';
import { invocationTraceHeader, withTrace } from '../trace-context';
import type { IdempotencyRunner, IdempotentRoute } from './idempotency';
import { authenticate } from './middlewares/authenticate';
import { bodyLimit } from './middlewares/body-limit';
import { jsonBody } from './middlewares/json-body';
import { problemErrors } from './middlewares/problem-errors';
import { publishMetrics } from './middlewares/publish-metrics';
import { rateLimit, requestsPolicy } from './middlewares/rate-limit';
import { requestContext, requestIdFrom } from './middlewares/request-context';
import { responseHeaders } from './middlewares/response-headers';
import { validateRequest } from './middlewares/validate-request';
import { type HttpEvent, type HttpResponse, header, stateOf } from './request-state';
import type { HttpResult } from './responses';
import { bodyIsOptional, type RouteSpec } from './route-spec';

/**
 * What the HTTP stack is built over, each asked for on the first request that needs it: the
 * composition root hands them in (shared/container/http.ts), so this layer builds no adapter.
 */
export interface HttpStackParts {
  rateLimiter: () => RateLimiter;
  tokenVerifier: () => TokenVerifier;
  /**
   * Runs `idempotent` routes (claims their keys, keeps their answers). A stack without one refuses
   * such a route when it is declared, and bundles none of the idempotency code and store.
   */
  idempotency?: IdempotencyRunner;
}

type Out<S> = [NonNullable<S>] extends [z.core.$ZodType] ? z.output<NonNullable<S>> : undefined;
type PrincipalFor<R> = [R] extends ['public'] ? Principal | undefined : Principal;
type CompletionFor<I> = [I] extends [IdempotentRoute<infer T>] ? IdempotencyCompletion<T> : undefined;

/** What a route handler receives: validated input and the verified caller. */
export interface RouteContext<Spec extends RouteSpec> {
  params: Out<Spec['params']>;
  query: Out<Spec['query']>;
  body: Out<Spec['body']>;
  principal: PrincipalFor<Spec['role']>;
  requestId: string;
  /** For an `idempotent` route: the claim of its key, for the operation to complete in its transaction. */
  idempotency: CompletionFor<Spec['idempotent']>;
  header(name: string): string | undefined;
  event: HttpEvent;
  /** Milliseconds left before the Lambda invocation is stopped (long work stops in time). */
  remainingTimeMs(): number;
}

export interface HttpRouteOptions {
  contentSecurityPolicy?: string;
  /**
   * Checks the body exactly as it arrived (an empty buffer when there is none), before anything
   * parses it: a webhook's signature covers these bytes, which re-serialised JSON would not match.
   * Runs after auth and the rate limit; throws an AppError to refuse the request.
   */
  verifyRawBody?: (rawBody: Buffer, header: (name: string) => string | undefined) => void | Promise<void>;
}

/**
 * When a request whose handler overlaps the request count may write: once the count admits it.
 * Refused, the rate-limit middleware answers 429 whatever the handler did meanwhile.
 */
function admission(decision: Promise<RateLimitDecision> | undefined): Promise<void> | undefined {
  return decision?.then((settled) => {
    if (!settled.allowed) throw new RateLimitedError(settled.retryAfterSeconds);
  });
}

function serialise(result: HttpResult): HttpResponse {
  const headers: Record<string, string> = { ...result.headers };
  let body: string | undefined;
  if (result.rawBody !== undefined) body = result.rawBody;
  else if (result.body !== undefined) {
    body = JSON.stringify(result.body);
    headers['Content-Type'] ??= 'application/json; charset=utf-8';
  }
  return {
    statusCode: result.statusCode,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(result.isBase64Encoded === true && { isBase64Encoded: true }),
  };
}

/**
 * The one HTTP stack (docs/contract.md §2): request id and structured logs, security and CORS headers,
 * problem+json errors, 64 KiB body limit, bearer auth (401/403/503), the per-principal request
 * limit (429), JSON parsing (415/400), strict schema validation (400), then the route's own code.
 */
export function createHttpRoute(parts: HttpStackParts) {
  return <Spec extends RouteSpec>(
    spec: Spec,
    run: (ctx: RouteContext<Spec>) => Promise<HttpResult>,
    options: HttpRouteOptions = {},
  ) => httpRoute(parts, spec, run, options);
}

function httpRoute<Spec extends RouteSpec>(
  { rateLimiter, tokenVerifier, idempotency }: HttpStackParts,
  spec: Spec,
  run: (ctx: RouteContext<Spec>) => Promise<HttpResult>,
  options: HttpRouteOptions,
) {
  if (spec.idempotent && !idempotency) {
    throw new Error(`route ${spec.operationId} is idempotent: declare it with idempotentHttpRoute`);
  }
  const handler = middy<HttpEvent, HttpResponse, Error, Context>()
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use(requestContext())
    .use(
      responseHeaders({
        contentSecurityPolicy: options.contentSecurityPolicy,
        ...(spec.rateLimited !== false
          ? { rateLimitPolicy: () => requestsPolicy(config().rateLimits.requestsPerSecond) }
          : {}),
      }),
    )
    .use(problemErrors())
    .use(bodyLimit());
  const limit =
    spec.rateLimited === false
      ? undefined
      : rateLimit({
          limiter: rateLimiter,
          requestsPerSecond: () => config().rateLimits.requestsPerSecond,
          // GET handlers change nothing: they run while the counter is written, and their answer is
          // swapped for a 429 if the count refuses it (see the middleware). So do idempotent routes,
          // whose operations commit only once their claim holds, which waits for the count. Others wait.
          overlapHandler: spec.method === 'GET' || spec.idempotent !== undefined,
        });
  // A request without a valid token counts against its client address before its 401 (issue 11).
  handler.use(
    authenticate(spec.role, tokenVerifier, {
      optional: spec.optionalAuth === true,
      ...(limit && { beforeUnauthenticated: limit.countUnauthenticated }),
    }),
  );
  if (limit) handler.use(limit);
  const { verifyRawBody } = options;
  if (verifyRawBody) {
    handler.use({
      before: async (request) => {
        const { body, isBase64Encoded } = request.event;
        const raw = body ? Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
        await verifyRawBody(raw, (name) => header(request.event, name));
      },
    });
  }
  // An optional body that was left out is validated as `undefined` instead of refused as not JSON.
  if (spec.body) handler.use(jsonBody({ optional: bodyIsOptional(spec) }));
  handler.use(validateRequest(spec));

  const routed = handler.handler(async (event, context) => {
    const state = stateOf(event);
    const ctx = {
      params: state.params,
      query: state.query,
      body: state.body,
      principal: state.principal,
      requestId: state.requestId,
      idempotency: undefined,
      header: (name: string) => header(event, name),
      event,
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    } as RouteContext<Spec>;
    if (!spec.idempotent || !idempotency) return serialise(await run(ctx));
    const request = {
      // Keys are per caller (an idempotent route is never public): one key from two customers is two requests.
      scope: state.principal?.sub ?? '',
      key: header(event, 'idempotency-key'),
      body: state.body,
      requestId: state.requestId,
      admitted: admission(state.rateLimit),
    };
    return serialise(
      await idempotency(request, spec.idempotent, (completion) =>
        run({ ...ctx, idempotency: completion as RouteContext<Spec>['idempotency'] }),
      ),
    );
  });
  // The request is the start of a trace: its id correlates whatever it causes (shared/trace-context.ts).
  return (event: HttpEvent, context: Context) =>
    withTrace(
      { correlationId: requestIdFrom(header(event, 'x-request-id')), traceHeader: invocationTraceHeader() },
      () => routed(event, context),
    );
}
