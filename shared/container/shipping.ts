import { createDynamoShippingMethodRepository } from '../adapters/dynamo/dynamo-shipping-method-repository';
import { createShippingMethodService } from '../domain/shipping/shipping-method-service';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { table } from './clients';

/** The shop's shipping methods (`/v1/shipping-methods`). */
export const shippingMethodService = /* @__PURE__ */ once(() =>
  createShippingMethodService({
    methods: createDynamoShippingMethodRepository(table().db, table().name),
    clock: systemClock,
  }),
);
