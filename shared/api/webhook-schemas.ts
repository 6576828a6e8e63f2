import * as z from '../lib/zod';
import { patterned } from './common-schemas';

/** What the webhook routes (payment gateway, carrier) share: the event id and the receipt. */

export const EventId = /* @__PURE__ */ z
  .string()
  .check(...patterned(255, /^evt_[A-Za-z0-9_]{1,251}$/, 'an event id: evt_ and up to 251 characters of A-Z a-z 0-9 _'))
  .register(z.globalRegistry, {
    description: "The sender's event id; a redelivery carries the same id",
    example: 'evt_1QZt8wLkdIwHu7ix',
  });

export const WebhookReceipt = /* @__PURE__ */ z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().register(z.globalRegistry, {
      description: 'Whether an event with this id had been applied before (it was not applied again)',
    }),
  })
  .register(z.globalRegistry, { id: 'WebhookReceipt' });
