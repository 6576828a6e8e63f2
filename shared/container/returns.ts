import { createDynamoReturnRepository } from '../adapters/dynamo/dynamo-return-repository';
import { config } from '../config';
import { createReturnService } from '../domain/returns/return-service';
import { randomIds, systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { cursorCodec, table } from './clients';
import { orderRepository } from './orders';

/** Returns in the table, each change one transaction with its order. */
export const returnRepository = /* @__PURE__ */ once(() =>
  createDynamoReturnRepository(table().db, table().name, {
    resendAfterSeconds: config().jobs.reconcileResendAfterSeconds,
  }),
);

/** Returns (contract §5.6): requested by customers, received or rejected by the shop; refunds by the payment worker. */
export const returnService = /* @__PURE__ */ once(() =>
  createReturnService({
    orders: orderRepository(),
    returns: returnRepository(),
    clock: systemClock,
    ids: randomIds,
    cursors: cursorCodec(),
    returnWindowDays: config().returnWindowDays,
  }),
);
