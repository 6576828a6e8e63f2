import { createHash } from 'node:crypto';
import type {
  IdempotencyBegin,
  IdempotencyCompletion,
  IdempotencyLease,
  IdempotencyStore,
  StoredResponse,
} from '../domain/idempotency/idempotency';
import { AppError } from '../errors';
import { problemResponse } from './problem';
import type { HttpResult } from './responses';

export const MAX_KEY_LENGTH = 255;

/** A stable fingerprint of a JSON body: key order and whitespace do not matter. */
export function fingerprintOf(body: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, inner]) => [key, canonical(inner)]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('base64url');
}

/** The stored form of a JSON result. */
export function storedJson(statusCode: number, body: unknown, headers: Record<string, string> = {}): StoredResponse {
  return { statusCode, body: JSON.stringify(body), headers };
}

/** A problem document as stored: without the request id, which belongs to each replay. */
function storedProblem(error: AppError): StoredResponse {
  const { body, headers } = problemResponse(error, '');
  const { requestId: _requestId, ...rest } = JSON.parse(body as string) as Record<string, unknown>;
  return { statusCode: error.status, body: JSON.stringify(rest), headers: (headers ?? {}) as Record<string, string> };
}

function replay(response: StoredResponse, requestId: string): HttpResult {
  const isProblem = response.statusCode >= 400;
  const body = isProblem ? JSON.stringify({ ...JSON.parse(response.body), requestId }) : response.body;
  return {
    statusCode: response.statusCode,
    rawBody: body,
    headers: {
      'Content-Type': isProblem ? 'application/problem+json' : 'application/json; charset=utf-8',
      ...response.headers,
      'Idempotent-Replayed': 'true',
    },
  };
}

/** A request whose first answer is stored: `claim()` rejects with it, and the HTTP stack replays it. */
export class IdempotentReplay extends Error {
  constructor(readonly response: StoredResponse) {
    super('replay of a stored answer');
    this.name = 'IdempotentReplay';
  }
}

/** How a route declares it runs at most once per `Idempotency-Key` (RouteSpec `idempotent`). */
export interface IdempotentRoute<T> {
  /** The stored form of the route's success, completed in the operation's own transaction. */
  respond(result: T): StoredResponse;
}

/**
 * Runs an `idempotent` route over the store it was built with: what an HTTP stack of idempotent
 * routes is given (shared/container/http.ts), so that a stack without one bundles no idempotency store.
 */
export type IdempotencyRunner = <T>(
  request: Omit<IdempotentRequest, 'store'>,
  route: IdempotentRoute<T>,
  run: (completion: IdempotencyCompletion<T>) => Promise<HttpResult>,
) => Promise<HttpResult>;

/** {@link idempotent} over the store `store()` builds on the first idempotent request. */
export function idempotencyRunner(store: () => IdempotencyStore): IdempotencyRunner {
  return (request, route, run) => idempotent({ ...request, store: store() }, route, run);
}

export interface IdempotentRequest {
  store: IdempotencyStore;
  /** Keys are per caller: the same key from two customers names two requests. */
  scope: string;
  key: string | undefined;
  body: unknown;
  requestId: string;
}

function checkedKey(key: string | undefined): string {
  if (key === undefined || key.length === 0) {
    throw new AppError(400, 'IDEMPOTENCY_KEY_MISSING', 'Idempotency-Key missing', {
      detail: 'Send an `Idempotency-Key` header (1–255 characters) so a retry cannot place a second order.',
    });
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new AppError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key invalid', {
      detail: `The Idempotency-Key must be 1–${MAX_KEY_LENGTH} characters.`,
    });
  }
  return key;
}

/** The claim's lease, or the error that says why this request may not go on. */
function leaseOf(begun: IdempotencyBegin): IdempotencyLease {
  switch (begun.outcome) {
    case 'acquired':
      return begun.lease;
    case 'replay':
      throw new IdempotentReplay(begun.response);
    case 'mismatch':
      throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key reused', {
        detail: 'This Idempotency-Key was used with a different request body.',
      });
    case 'in-progress':
      throw new AppError(409, 'IDEMPOTENCY_IN_PROGRESS', 'Request in progress', {
        detail: 'A request with this Idempotency-Key is still being processed. Retry shortly.',
        retryAfterSeconds: 1,
      });
  }
}

/**
 * Runs a non-idempotent operation at most once per `Idempotency-Key` (IETF draft semantics):
 * missing key 400, the same key and body again → the first response replayed, another body →
 * 422, while the first is still running → 409. Outcomes of the operation itself (2xx and 4xx)
 * are stored; failures before it started, and 5xx, are not (the client may simply retry).
 * The claim is sent at once and `run` starts beside it: `run` must await `completion.claim()`
 * before it writes, and complete the record in its own transaction when it succeeds. The claim's
 * answer wins over the operation's (a replayed request never answers with its own error).
 */
export async function idempotent<T>(
  request: IdempotentRequest,
  route: IdempotentRoute<T>,
  run: (completion: IdempotencyCompletion<T>) => Promise<HttpResult>,
): Promise<HttpResult> {
  const key = checkedKey(request.key);
  const claimed = request.store.begin(request.scope, key, fingerprintOf(request.body));
  // Awaited below on every path; marked handled so a failed claim never goes unhandled meanwhile.
  claimed.catch(() => undefined);
  let result: HttpResult;
  try {
    result = await run({ claim: async () => leaseOf(await claimed), respond: route.respond });
  } catch (error) {
    const begun = await claimed;
    if (begun.outcome !== 'acquired') return refusal(begun, request.requestId);
    // Best effort: if the record cannot be written now, its claim expires and a retry runs again.
    const settle =
      error instanceof AppError && error.status < 500 && error.status !== 429
        ? request.store.complete(begun.lease, storedProblem(error))
        : request.store.release(begun.lease);
    await settle.catch(() => undefined);
    throw error;
  }
  // An operation that succeeded held the lease (it could not commit without it).
  const begun = await claimed;
  return begun.outcome === 'acquired' ? result : refusal(begun, request.requestId);
}

/** The answer to a request whose claim was refused: the stored answer replayed, or the refusal thrown. */
function refusal(begun: IdempotencyBegin, requestId: string): HttpResult {
  if (begun.outcome === 'replay') return replay(begun.response, requestId);
  leaseOf(begun);
  throw new Error('an acquired claim is no refusal');
}
