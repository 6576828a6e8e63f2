import { createDynamoCartRepository } from '../adapters/dynamo/dynamo-cart-repository';
import { createDynamoErasureLog } from '../adapters/dynamo/dynamo-erasure-log';
import { createDynamoIdempotencyEraser } from '../adapters/dynamo/dynamo-idempotency-store';
import { createDynamoOrderErasure } from '../adapters/dynamo/dynamo-order-erasure';
import { createDynamoProfileRepository } from '../adapters/dynamo/dynamo-profile-repository';
import { createCognitoUserLookup } from '../adapters/identity/cognito-user-lookup';
import { createLocalUserDirectory } from '../adapters/identity/local-user-directory';
import { createSqsErasureQueue } from '../adapters/sqs/sqs-erasure-queue';
import { config } from '../config';
import { createErasureRequester, createErasureService } from '../domain/customers/erasure-service';
import { createProfileService } from '../domain/customers/profile-service';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { sqsClient, table } from './clients';
import { orderRepository, orderService } from './orders';
import { emailLookupFailed } from './telemetry';

/**
 * Where customers' verified e-mail addresses come from: the Cognito user pool (GetUser with the
 * customer's access token) in AWS, the local issuer's user directory under `npm start` and in tests.
 */
export const identityProvider = /* @__PURE__ */ once(() => {
  const { auth } = config();
  return auth.mode === 'local'
    ? createLocalUserDirectory(auth.issuerDir)
    : createCognitoUserLookup({ userPoolId: auth.userPoolId });
});

/** Profiles, and the verified address each caches for checkout (decision 0009). */
export const profileService = /* @__PURE__ */ once(() =>
  createProfileService({
    profiles: createDynamoProfileRepository(table().db, table().name),
    identity: identityProvider(),
    clock: systemClock,
    onLookupFailure: emailLookupFailed,
  }),
);

/** `DELETE /v1/me`: queues the erasure (the worker's dependencies stay out of the HTTP function). */
export const erasureRequester = /* @__PURE__ */ once(() =>
  createErasureRequester({ queue: createSqsErasureQueue(sqsClient(), config().queues.erasure), clock: systemClock }),
);

/**
 * The erasure worker: profile, cart and stored checkout responses deleted, orders cancelled if open
 * and anonymised (decision 0005).
 */
export const erasureService = /* @__PURE__ */ once(() => {
  const { db, name } = table();
  return createErasureService({
    profiles: createDynamoProfileRepository(db, name),
    carts: createDynamoCartRepository(db, name),
    idempotencyRecords: createDynamoIdempotencyEraser(db, name, systemClock),
    orders: orderRepository(),
    cancellation: orderService(),
    anonymiser: createDynamoOrderErasure(db, name),
    log: createDynamoErasureLog(db, name),
    clock: systemClock,
  });
});
