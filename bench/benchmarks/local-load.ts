import {
  type Burst,
  burst,
  catalogCrowd,
  checkoutCrowd,
  countByStatus,
  stockedProduct,
} from '../../test/support/local-load';
import type { LocalStack } from '../../test/support/local-stack';
import type { Benchmark, ResultRow } from '../benchmark';
import { benchLocalStack, LOCAL_STACK_RATE_LIMITS } from '../lib/bench-local-stack';
import { ms } from '../lib/format';
import { cpuMeter } from '../lib/process-cpu';
import { percentile } from '../lib/stats';

const CHECKOUTS = 100;
const READERS = 200;
/** Units of the product each checkout burst races for: the rest must be 409 OUT_OF_STOCK. */
const UNITS = 40;
/** Bursts of each kind; the first finds no instance started (cold), the others warm ones. */
const ROUNDS = 3;
const QUICK_ROUNDS = 1;
const CATALOG_SKUS = ['MUG-CLASSIC-01', 'MUG-TRAVEL-02', 'KNIFE-CHEF-20'];

interface Round {
  kind: 'checkout' | 'catalog';
  round: number;
  result: Burst;
  /** What the outcome should be, by status. */
  expected: Record<number, number>;
  cpu: Record<string, number | undefined>;
}

const seconds = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : ms(value));

function verdict(round: Round): { pass: boolean; problems: string[] } {
  const { answers } = round.result;
  const problems: string[] = [];
  const foreign = answers.filter((answer) => answer.notOurs !== undefined);
  const serverErrors = answers.filter((answer) => answer.status >= 500);
  if (foreign.length > 0) problems.push(`${foreign.length} answers not ours (first: ${foreign[0]?.notOurs})`);
  if (serverErrors.length > 0) problems.push(`${serverErrors.length} answers 5xx (first: ${serverErrors[0]?.status})`);
  const counts = countByStatus(answers);
  if (JSON.stringify(counts) !== JSON.stringify(round.expected))
    problems.push(`statuses ${JSON.stringify(counts)}, expected ${JSON.stringify(round.expected)}`);
  return { pass: problems.length === 0, problems };
}

async function measure(stack: LocalStack, rounds: number): Promise<Round[]> {
  const pids = stack.pids() as { dynamodbPid?: number; offlinePid?: number };
  const meter = () =>
    cpuMeter({
      ...(pids.offlinePid !== undefined && { offline: pids.offlinePid }),
      ...(pids.dynamodbPid !== undefined && { dynamodb: pids.dynamodbPid }),
    });
  const measured: Round[] = [];
  for (let round = 1; round <= rounds; round++) {
    const sku = await stockedProduct(stack, UNITS);
    // Tokens are signed before the clock starts.
    const checkouts = checkoutCrowd(stack, sku, CHECKOUTS);
    let cpu = meter();
    const checkout = await burst(checkouts);
    measured.push({
      kind: 'checkout',
      round,
      result: checkout,
      expected: { 201: UNITS, 409: CHECKOUTS - UNITS },
      cpu: cpu.stop(),
    });
    const reads = catalogCrowd(stack, CATALOG_SKUS, READERS);
    cpu = meter();
    const catalog = await burst(reads);
    measured.push({ kind: 'catalog', round, result: catalog, expected: { 200: READERS }, cpu: cpu.stop() });
  }
  return measured;
}

export const localLoad: Benchmark = {
  id: 'local-load',
  title: 'Local stack under load: 100 checkouts and 200 catalog reads at once through `npm start`',
  howMeasured: [
    '`npm start` as the end-to-end tests run it (`test/support/local-stack.ts`), with its defaults: serverless-offline ' +
      'keeping at most `OFFLINE_FUNCTION_CONCURRENCY` (4) warm instances per function, further requests waiting ' +
      `their turn (docs/decisions/0011-local-stack-under-load.md); ${Object.entries(LOCAL_STACK_RATE_LIMITS)
        .map(([name, value]) => `\`${name}=${value}\``)
        .join(' and ')} (the defaults, pinned).`,
    `Checkouts: an admin stocks a new product with ${UNITS} units, then ${CHECKOUTS} customers (each a new account ` +
      'with its own token and `Idempotency-Key`, so no per-customer limit answers) send `POST /v1/orders` for one ' +
      `unit at the same moment; exactly ${UNITS} must answer 201 and the others 409 \`OUT_OF_STOCK\`. Catalog reads: ` +
      `${READERS} signed-in customers send \`GET /v1/products/{sku}\` (three seeded skus) at the same moment; every ` +
      'one must answer 200 (signed in, because the request limit counts an anonymous reader by address and every ' +
      'client here is 127.0.0.1).',
    `${ROUNDS} rounds of both, in turn; the first round finds no instance of the functions started (cold starts ` +
      'included), the later ones warm instances. Every answer is read whole and must be ours: `X-Request-Id`, ' +
      '`X-Content-Type-Options`, `Strict-Transport-Security`, and `application/problem+json` for an error; no 5xx.',
    'Latency: request sent → body read, per request (p50, p99, max). Requests per second: requests / wall-clock time ' +
      'of the burst (first sent → last read). CPU: of the serverless-offline process (web server and worker threads ' +
      'running the functions) and of the DynamoDB Local JVM during the burst, per request.',
    'No latency target: the figures are for two cores shared by the clients, serverless-offline, the functions, ' +
      'DynamoDB Local, the SQS emulator and the queue workers that pay and ship the orders. The row fails if any ' +
      'answer is not ours, is a 5xx, or the statuses are not exactly the expected ones.',
  ],
  async run(context) {
    const stack = await benchLocalStack(context);
    const notes: string[] = [];
    let rounds: Round[];
    try {
      rounds = await measure(stack, context.quick ? QUICK_ROUNDS : ROUNDS);
    } finally {
      const stopped = await stack.stop();
      if (stopped.leftovers.length > 0)
        notes.push(`**Failed:** processes of the stack left after Ctrl-C (killed): ${stopped.leftovers.join(', ')}`);
    }
    const rows: ResultRow[] = rounds.map((round) => {
      const { answers, wallMs } = round.result;
      const latencies = answers.map((answer) => answer.ms);
      const { pass, problems } = verdict(round);
      for (const problem of problems) notes.push(`**Failed (${round.kind}, round ${round.round}):** ${problem}`);
      const perRequest = (value: number | undefined) => (value === undefined ? '–' : ms(value / answers.length));
      return {
        cells: [
          round.kind === 'checkout'
            ? `${CHECKOUTS} checkouts at once, ${UNITS} units`
            : `${READERS} catalog reads at once`,
          round.round === 1 ? '1 (cold)' : `${round.round} (warm)`,
          Object.entries(countByStatus(answers))
            .map(([status, count]) => `${count} × ${status}`)
            .join(', '),
          String(answers.filter((answer) => answer.notOurs !== undefined || answer.status >= 500).length),
          seconds(percentile(latencies, 50)),
          seconds(percentile(latencies, 99)),
          seconds(Math.max(...latencies)),
          seconds(wallMs),
          ((answers.length / wallMs) * 1000).toFixed(1),
          perRequest(round.cpu.offline),
          perRequest(round.cpu.dynamodb),
          pass ? 'PASS' : 'FAIL',
        ],
        pass,
      };
    });
    const warm = (kind: Round['kind']) => {
      const ofKind = rounds.filter((round) => round.kind === kind);
      const last = ofKind[ofKind.length - 1];
      if (!last) return '–';
      const latencies = last.result.answers.map((answer) => answer.ms);
      return (
        `p50 ${seconds(percentile(latencies, 50))} / p99 ${seconds(percentile(latencies, 99))}, ` +
        `${((last.result.answers.length / last.result.wallMs) * 1000).toFixed(0)} req/s`
      );
    };
    const passed = rows.every((row) => row.pass);
    return {
      columns: [
        'Load',
        'Round',
        'Statuses',
        'Not ours or 5xx',
        'p50',
        'p99',
        'max',
        'Wall',
        'Requests/s',
        'CPU/request: serverless-offline',
        'CPU/request: DynamoDB Local',
        'Result',
      ],
      rows,
      summary:
        `${passed ? 'PASS' : 'FAIL'}: every answer ours, no 5xx, stock exact; last round: ${CHECKOUTS} checkouts ` +
        `${warm('checkout')}; ${READERS} catalog reads ${warm('catalog')}`,
      notes,
    };
  },
};
