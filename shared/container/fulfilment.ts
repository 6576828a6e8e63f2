import { createSandboxCarrier } from '../adapters/carrier/sandbox-carrier';
import { createFulfilmentService } from '../domain/fulfilment/fulfilment-service';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { orderRepository, workOutbox } from './orders';

/** The fulfilment worker's carrier (CARRIER): the in-process sandbox is the only one so far. */
export const carrier = /* @__PURE__ */ once(() => createSandboxCarrier());

/** The fulfilment worker's service: book the shipment once per order, then PAID → SHIPPED. */
export const fulfilmentService = /* @__PURE__ */ once(() =>
  createFulfilmentService({ orders: orderRepository(), carrier: carrier(), clock: systemClock, work: workOutbox() }),
);
