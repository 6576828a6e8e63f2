import type { Benchmark } from '../benchmark';
import { measure } from './checkout-capacity/measure';
import { PRICE, render } from './checkout-capacity/render';
import { MAX_RATIO, verify } from './checkout-capacity/verify';

export const checkoutCapacity: Benchmark = {
  id: 'checkout-capacity',
  title: 'Checkout capacity: DynamoDB units per order',
  howMeasured: [
    'The real `POST /v1/orders` handler, bundled with the deployment options from ' +
      '`bench/entries/create-order-with-client.ts`: the function as deployed, which also exports the DynamoDB client ' +
      'its `shared/container/clients.ts` builds, so the bench instruments the very client the handler sends through. Same ' +
      'function environment as the throughput measure (DynamoDB Local, the SQS emulator, queues from `serverless.yml`).',
    'An SDK middleware on that client (the document client shares its middleware stack) adds ' +
      '`ReturnConsumedCapacity: INDEXES` to every call and records what DynamoDB Local reports, the items each read ' +
      'returned, and for each item written its stored form just before and just after the call (strongly consistent ' +
      'reads through a separate, uninstrumented client; orders are placed one at a time, so nothing else writes between).',
    'Each order: a new customer (UUID `sub`), a new `Idempotency-Key`, lines of quantity 1 on distinct products, the ' +
      "same shipping address, `tok_visa`. Every answer must be 201 and every order's payment message must reach its " +
      "queue through the table's stream (the built `work-forwarder` runs beside, in a process of its own): the " +
      'payment queue grows by one message per order (given up to 30 s to settle), and so do the PAYMENT work records ' +
      'in the table, none of them sent again by reconcile (no `sends`). No payment worker runs, so the records stay ' +
      "(the payment's transition deletes them). The forwarder reads no item of the table, so it adds no unit.",
    'The 5-variant orders name five variants of five different products (`BENCH-VARIANT-*`, five sizes each, every ' +
      'other size at a price of its own), in the items of the request. "First sight": each variant named for the first ' +
      "time by the function, so the pricing read finds the variant skus' claims first, then their items and their " +
      'products\' items (decision 0015). "Seen before": the same orders again, the function now knowing which product ' +
      "each variant belongs to, as a cart line always does. The design minimum counts each variant's item and its " +
      "product's, not the claims.",
    '"By the rules" applies the published DynamoDB rules to those items: item size = attribute names + values ' +
      '(numbers 1 byte per 2 significant digits + 1; lists and maps 3 bytes + 1 per element); a write costs 1 WRU per ' +
      'KB (rounded up) of the larger of the item before and after, 2 in a transaction; an index entry (projection ALL: ' +
      'the whole item) costs 1 WRU per KB when added or removed, 2 entries when its key changes; reads cost 1 RRU per ' +
      '4 KB per item, half when eventually consistent. Index entries written for a transaction are counted as standard ' +
      'writes (the rules double the items of the transaction; DynamoDB Local doubles the index entries too).',
    '"Design minimum" counts the writes and reads the design cannot do without, each once, at the actual sizes of ' +
      'its items (the table under the main one, line by line); "by the rules" counts every call the checkout made. ' +
      `Ratio = by the rules / minimum, for WRU and RRU; target ≤ ${MAX_RATIO}× for both.`,
    `Cost per million orders = WRU × $${PRICE.perMillionWru} + RRU × $${PRICE.perMillionRru} (${PRICE.region} ` +
      `on-demand prices per million request units since the price cut of ${PRICE.since}; storage, backups, streams ` +
      'and the SQS message are not included).',
  ],
  async run(context) {
    const measured = await measure(context);
    return render(measured, verify(measured));
  },
};
