import { createDynamoIdempotencyStore } from '../adapters/dynamo/dynamo-idempotency-store';
import { createTokenVerifier } from '../auth/token-verifier';
import { config } from '../config';
import { createHttpRoute } from '../http/http-route';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
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
 * the rate limiter, token verifier and idempotency store built here on the first request that needs them.
 */
export const httpRoute = /* @__PURE__ */ createHttpRoute({ rateLimiter, tokenVerifier, idempotencyStore });
