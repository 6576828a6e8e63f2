import { createDynamoRateLimiter } from '../adapters/dynamo/dynamo-rate-limiter';
import { config } from '../config';
import { createCheckoutRateLimit } from '../domain/rate-limit/checkout-rate-limit';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { dynamoClient } from './clients';

/** Fixed-window counters shared by every instance; fails open on DynamoDB errors (decision 0002). */
export const rateLimiter = /* @__PURE__ */ once(() =>
  createDynamoRateLimiter({ db: dynamoClient(), tableName: config().tableName, clock: systemClock }),
);

/** Checkout limit per customer: call `consume(sub)` after the idempotency replay check. */
export const checkoutRateLimit = /* @__PURE__ */ once(() =>
  createCheckoutRateLimit({ limiter: rateLimiter(), checkoutsPerMinute: config().rateLimits.checkoutsPerMinute }),
);
