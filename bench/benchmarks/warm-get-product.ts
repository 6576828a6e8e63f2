import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { SHADOWING_AWS_VARIABLES } from '../../scripts/local/local-aws';
import { httpEvent, lambdaContext } from '../../test/support/http-event';
import type { Benchmark } from '../benchmark';
import { bundleNamed, loadHandler } from '../lib/build-bundles';
import { ms, nsToMs, ratio, verdict } from '../lib/format';
import { percentile } from '../lib/stats';

/** Target: the real handler's warm p50 at most this many times the bare handler's. */
const MAX_P50_RATIO = 1.15;
/** Logging as deployed (serverless.yml's default `POWERTOOLS_LOG_LEVEL`), not silenced: its cost is part of a request. */
const LOG_LEVEL = 'INFO';
const FUNCTION_NAME = 'get-product';
/** Invocations per subject before measuring: JIT, connection pool, the functions' lazy set-up. */
const WARMUP = 200;
const MEASURED = 2000;
const QUICK = { warmup: 50, measured: 200 };
/** Subjects take turns in blocks of this many invocations (ABBA order). */
const BLOCK = 100;
/** serverless.yml's provider.timeout: an invocation that takes longer would have failed in AWS. */
const INVOCATION_TIMEOUT_MS = 10_000;
/** Bound on the whole measure, so a degenerate run fails instead of dragging on. */
const PHASE_TIMEOUT_MS = 120_000;

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

interface Subject {
  name: string;
  handler: Handler;
  samples: number[];
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${INVOCATION_TIMEOUT_MS} ms`)), INVOCATION_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One invocation like API Gateway makes it; returns its duration in ns. A non-200 answer aborts the bench. */
async function invokeOnce(subject: Subject, sku: string): Promise<number> {
  // A new event per call: API Gateway sends one, and middlewares annotate the one they get.
  const event = httpEvent({
    method: 'GET',
    path: `/v1/products/${sku}`,
    route: '/v1/products/{sku}',
    pathParameters: { sku },
  });
  const context = lambdaContext(subject.name);
  const start = process.hrtime.bigint();
  const result = (await withTimeout(
    subject.handler(event, context),
    subject.name,
  )) as APIGatewayProxyStructuredResultV2;
  const elapsed = Number(process.hrtime.bigint() - start);
  if (result?.statusCode !== 200 || !result.body?.includes(sku)) {
    throw new Error(`${subject.name} answered ${result?.statusCode}: ${String(result?.body).slice(0, 500)}`);
  }
  return elapsed;
}

export const warmGetProduct: Benchmark = {
  id: 'warm-get-product',
  title: 'Warm latency: GET /v1/products/{sku}',
  howMeasured: [
    'DynamoDB Local runs in memory on loopback with the table of `serverless.yml` (provisioned by ' +
      '`scripts/local/provision.ts`) and one product with stock, created through the catalog and inventory services.',
    'The function environment (provider.environment of `serverless.yml` for stage `bench`, pointed at DynamoDB Local, ' +
      `\`AUTH_MODE=local\`, Powertools metrics off, request logging on at the deployed level \`POWERTOOLS_LOG_LEVEL=${LOG_LEVEL}\`) ` +
      'is set in the bench process before the built bundles of `get-product` and of the yardstick are `require`d into it.',
    `Each handler is called like API Gateway calls it (a fresh payload v2 event and Lambda context per call, one call ` +
      `at a time); the time is from the call to its settled promise, measured with \`process.hrtime.bigint()\`.`,
    `${WARMUP} warm-up calls each, then ${MEASURED} measured calls each, the two taking turns in blocks of ${BLOCK} ` +
      '(ABBA order). Every answer must be a 200 holding the product, or the bench stops.',
    `The ratio is the function's p50 over the baseline's p50; target ≤ ${MAX_P50_RATIO}×.`,
  ],
  async run(context) {
    const { functions, baseline } = await context.bundles();
    const bundle = bundleNamed(functions, FUNCTION_NAME);
    const env = await context.functionEnv();
    const { sku } = await context.table();
    // Before the bundles load: their configuration and SDK clients read process.env.
    Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: LOG_LEVEL });
    for (const name of SHADOWING_AWS_VARIABLES) delete process.env[name];
    const subjects: Subject[] = [
      { name: bundle.name, handler: loadHandler<Handler>(bundle), samples: [] },
      { name: baseline.name, handler: loadHandler<Handler>(baseline), samples: [] },
    ];
    const counts = context.quick ? QUICK : { warmup: WARMUP, measured: MEASURED };
    const deadline = Date.now() + PHASE_TIMEOUT_MS;
    const runBlocks = async (perSubject: number, record: boolean) => {
      for (let block = 0; block * BLOCK < perSubject; block++) {
        const order = block % 2 === 0 ? subjects : [...subjects].reverse();
        for (const subject of order) {
          for (let i = 0; i < Math.min(BLOCK, perSubject - block * BLOCK); i++) {
            const elapsed = await invokeOnce(subject, sku);
            if (record) subject.samples.push(nsToMs(elapsed));
          }
        }
        if (Date.now() > deadline) throw new Error(`the warm-latency measure took over ${PHASE_TIMEOUT_MS} ms`);
      }
    };
    await runBlocks(counts.warmup, false);
    await runBlocks(counts.measured, true);

    const [real, bare] = subjects.map((subject) => ({
      p50: percentile(subject.samples, 50),
      p99: percentile(subject.samples, 99),
    })) as [{ p50: number; p99: number }, { p50: number; p99: number }];
    const p50Ratio = real.p50 / bare.p50;
    const pass = p50Ratio <= MAX_P50_RATIO;
    return {
      columns: ['Function', 'p50', 'p99', 'Baseline p50', 'Baseline p99', 'p50 ratio', 'p99 ratio', 'Target', 'Result'],
      rows: [
        {
          cells: [
            `\`${bundle.name}\``,
            ms(real.p50),
            ms(real.p99),
            ms(bare.p50),
            ms(bare.p99),
            ratio(p50Ratio),
            ratio(real.p99 / bare.p99),
            `p50 ≤ ${ratio(MAX_P50_RATIO)}`,
            verdict(pass),
          ],
          pass,
        },
      ],
      summary:
        `${pass ? 'PASS' : 'FAIL'}: ${bundle.name} p50 ${ms(real.p50)} / p99 ${ms(real.p99)}, baseline p50 ` +
        `${ms(bare.p50)} / p99 ${ms(bare.p99)}, p50 ratio ${ratio(p50Ratio)} (target ≤ ${ratio(MAX_P50_RATIO)}; ` +
        `${counts.measured} calls each)`,
    };
  },
};
