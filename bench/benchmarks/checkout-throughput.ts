import type { Benchmark } from '../benchmark';
import { CONCURRENCY, COUNTS, FUNCTION_NAME, measurePoints } from './checkout-throughput/measure';
import { render } from './checkout-throughput/render';
import { MAX_LATENCY_RATIO, TARGET_CONCURRENCY } from './checkout-throughput/verify';

/**
 * POST /v1/orders at concurrency 1, 16 and 64 beside its own transaction alone and a bare conditional
 * update: measured (checkout-throughput/measure.ts), judged (verify.ts) and written up (render.ts).
 */
export const checkoutThroughput: Benchmark = {
  id: 'checkout-throughput',
  title: 'Checkout latency and throughput: POST /v1/orders against its own transaction',
  howMeasured: [
    `The built bundle of \`${FUNCTION_NAME}\` (deployment esbuild options, as in the warm-latency measure) is ` +
      '`require`d into the bench process with the function environment pointed at DynamoDB Local (in memory) and at ' +
      'the SQS emulator of `npm start` (`local-aws-sqs`, run in a child process so it does not share the event loop ' +
      'of the handlers), with every queue of `serverless.yml` provisioned by `scripts/local/provision.ts`.',
    'Stock: one hot product with 10^9 units and 1,000 products with 10^6 units each, created through the catalog and ' +
      'inventory services; nothing can run out during a run. Each checkout orders one unit of one product: the hot ' +
      'one, or one drawn at random (seeded) from the 1,000.',
    'Every checkout is a new customer (a UUID `sub` with its own signed token, so the per-customer limits of ' +
      '`RATE_LIMIT_CHECKOUTS_PER_MINUTE` stay at their defaults and are never reached, and the rate-limit counters are ' +
      'written as in production) with a new UUID `Idempotency-Key`, `tok_visa`, and a shipping address. The handler ' +
      'is called like API Gateway calls it (payload v2 event, Lambda context); the tokens are signed before the clock ' +
      'starts.',
    "Each measured checkout must answer 201, and its payment message must reach the queue: the table's stream is " +
      'read by the local event source mapping (`scripts/local/stream-poller.ts`) and the built `work-forwarder` ' +
      'bundle run beside the checkouts, as deployed (decision 0012), in a process of their own (a function of its own ' +
      "in AWS, it never shares the checkout's event loop; here it shares the machine's cores). The payment queue must " +
      'grow by exactly the number of 201s (given up to 30 s after the phase to settle), and so must the PAYMENT work ' +
      'records in the table, none of them sent again by reconcile. No payment worker runs, so the records stay: the ' +
      "payment's transition would delete them. Otherwise the row fails.",
    'Ceiling: the same concurrency of bare `UpdateItem` calls through a plain `DynamoDBDocumentClient` (SDK defaults), ' +
      'decrementing `available` on the same stock item (hot) or a random one of the same 1,000 (spread) with ' +
      '`ConditionExpression: available >= :q`: the least DynamoDB Local does per reserved unit.',
    'Transaction alone: the one `TransactWriteItems` each checkout commits (reserve the line, put the order, put its ' +
      'PAYMENT work record, complete the idempotency record), prepared before the phase by the real idempotency store ' +
      'and the real order service (a claim of a new key, the prices read, the order built; a repository that keeps ' +
      'the placement instead of committing it), then committed at the same concurrency through the real order ' +
      'repository and the same plain document client as the ceiling. Nothing else: no rate limits, no claim, no ' +
      'price read. Whatever a checkout does besides, it cannot beat its own transaction, so ' +
      '"Transaction / ceiling" is the most any design with this transaction reaches on this engine. The forwarder ' +
      "sends their PAYMENT work records too; those are left out of the checkout's counts.",
    `Concurrency ${CONCURRENCY.join(', ')}: that many operations in flight in a closed loop (each worker starts the next ` +
      'as soon as its last one settles), all in the one bench process, as many Lambda instances would share one ' +
      'DynamoDB; the SDK keeps at most 50 sockets per client (its default), for the checkout and the ceiling alike. ' +
      `Per point: ${CONCURRENCY.map((c) => `c=${c}: ${COUNTS[c].warmup} warm-up + ${COUNTS[c].checkouts} measured checkouts, ${COUNTS[c].ceiling} ceiling updates`).join('; ')}` +
      ' (the ceiling warms up with a fifth of its count; the bare transactions are as many as the checkouts, warm-up ' +
      'included). After the warm-ups, each is measured in two halves in mirrored ' +
      'order (ceiling, transaction, checkout, checkout, transaction, ceiling) and the halves are added up, so a slow ' +
      'spell of the machine weighs on all three alike.',
    'Throughput = measured operations / wall-clock time of the phase; p50 and p99 of the time from call to settled ' +
      "promise. Latency ratio = the checkout's p50 / the transaction alone's p50 at the same point; target " +
      `≤ ${MAX_LATENCY_RATIO}× for spread skus at c=${TARGET_CONCURRENCY} (the other rows carry no target: with many in flight ` +
      "the engine's CPU, shared with the bench on this machine, bounds both). Ratio = checkouts per second / ceiling " +
      'updates per second, for information. CPU per operation is the CPU time of the bench process (the ' +
      'handlers and the SDK), of the DynamoDB Local JVM and of the SQS emulator during the phase, divided by its ' +
      'operations.',
  ],
  async run(context) {
    return render(await measurePoints(context));
  },
};
