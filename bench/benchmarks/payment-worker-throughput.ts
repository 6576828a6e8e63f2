import type { Benchmark } from '../benchmark';
import {
  BARE,
  BATCH_SIZE,
  COUNTS,
  CREATE_ORDER,
  FUNCTION_NAME,
  measure,
  PLACING_CONCURRENCY,
} from './payment-worker-throughput/measure';
import { render } from './payment-worker-throughput/render';
import { MIN_RATIO, verify } from './payment-worker-throughput/verify';

export const paymentWorkerThroughput: Benchmark = {
  id: 'payment-worker',
  title: 'Payment worker throughput: messages per second against a bare loop',
  howMeasured: [
    `The built bundle of \`${FUNCTION_NAME}\` (deployment esbuild options) is \`require\`d into the bench process with ` +
      'the function environment of the checkout measures (DynamoDB Local in memory, the SQS emulator in a child ' +
      'process) and `PAYMENT_GATEWAY_URL` pointed at the sandbox gateway of `npm start` ' +
      '(`scripts/local/sandbox-gateway.ts`), which the bench runs in a child process of its own, as a remote gateway ' +
      "would not share the worker's event loop. `PAYMENT_CIRCUIT_FAILURE_THRESHOLD` is set out of reach, so a " +
      "hiccup fails its message instead of opening the circuit; the circuit's shared state is still read as in " +
      'production (once per `PAYMENT_CIRCUIT_CACHE_SECONDS`, 2 s).',
    'The pending orders are placed first, not measured: one unit of a product drawn at random (seeded) from the ' +
      `1,000 of the checkout measures, through the \`${CREATE_ORDER}\` handler (${PLACING_CONCURRENCY} in flight), ` +
      'each a new customer paying with `tok_visa`. Their payment messages (PAYMENT_REQUESTED, as the checkout sends ' +
      `them) become SQS records of the event source mapping's shape (\`test/support/sqs-event.ts\`), ${BATCH_SIZE} ` +
      'to an event, built before the clock starts.',
    `The worker: its handler called with one event after the other (${BATCH_SIZE} records in flight, as one Lambda ` +
      'instance takes batch after batch; the batch processor runs the records of a batch in parallel). Per message ' +
      'it reads the order, charges it through the gateway adapter (HTTP to the sandbox), commits the PAID transition ' +
      '(order, stock sold, FULFILMENT and NOTIFY_PAID work records, the PAYMENT record deleted, the sales-ledger ' +
      "entry); the two new work records reach their queues through the table's stream: the local event source " +
      "mapping and the built `work-forwarder` bundle run beside the worker's phases (decision 0012), in a process " +
      "of their own (a function of its own in AWS): they share the machine's cores with the worker, but their CPU " +
      'is not counted in the CPU per message.',
    `The bare loop (\`${BARE.entry}\`, bundled with the same options): a handler doing the same calls in the same ` +
      'order per message — the strongly consistent GetItem, the same POST to the same sandbox (the worker cannot ' +
      'avoid the gateway, so neither does the yardstick), the same TransactWriteItems, the two SendMessage calls and ' +
      'the two UpdateItem calls (the yardstick keeps the hand-off the worker had before the stream took it over) — ' +
      'without Middy, Powertools, zod, the circuit breaker, the retry wrapper or the ' +
      `service layers, at the same concurrency (${BATCH_SIZE} records of a batch in parallel, batch after batch). It ` +
      'skips the circuit read, about one GetItem per 2 s.',
    `Per side: ${COUNTS.warmup} warm-up messages, then ${COUNTS.measured} measured in two halves, ABBA (bare loop, ` +
      'worker, worker, bare loop), each half on orders of its own; the halves are added up. Throughput = measured ' +
      'messages / wall-clock time; batch p50/p99 = time of one invocation. Ratio = worker / bare loop; target ' +
      `≥ ${MIN_RATIO}×.`,
    'Every measured message must succeed (no failed record) and leave what the PAID transition leaves: afterwards, ' +
      'read back strongly consistent, every order PAID with its ledger entry, its PAYMENT record gone, its FULFILMENT ' +
      'and NOTIFY_PAID records present, and the fulfilment and notification queues grown by one message per order ' +
      '(ours given up to 30 s after the phase for the forwarder to settle); and one order of each side must have ' +
      "left items of the same shape (attribute names, nested too; the bare loop's `sends` mark aside). Otherwise the row fails. CPU per message: the bench process, DynamoDB Local, the SQS emulator and " +
      'the gateway during the measured phases.',
  ],
  async run(context) {
    const measured = await measure(context);
    return render(measured, verify(measured));
  },
};
