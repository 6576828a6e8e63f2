import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { httpEvent, lambdaContext } from '../../test/support/http-event';
import type { Benchmark, DetailTable } from '../benchmark';
import { BASELINE, benchDir, buildBundle, YARDSTICK_BUILD_OPTIONS } from '../lib/build-bundles';
import { SHIPPING_ADDRESS } from '../lib/checkout-requests';
import { type InitProfile, profileFirstInvocation } from '../lib/cpu-profile';
import { ms } from '../lib/format';
import { deploymentBuildOptions, serviceFunctions } from '../lib/serverless-yml';

/** Modules or packages listed per profile, by self time. */
const TOP = 10;
/** Profiles per subject, taken in turns; the one of median sampled time is shown (a loaded machine skews single runs). */
const ROUNDS = 5;
const QUICK_ROUNDS = 1;

/** The context's functions are added in the child; the rest crosses the process boundary as JSON. */
function contextOf(functionName: string): Record<string, unknown> {
  const { getRemainingTimeInMillis, done, fail, succeed, ...data } = lambdaContext(functionName);
  return data;
}

export const initProfile: Benchmark = {
  id: 'init-profile',
  title: 'Where the init time goes: CPU profile of a cold start',
  howMeasured: [
    'Equivalent to a Lambda cold start, once per subject: a fresh `node --cpu-prof` process (sampling every 100 µs) ' +
      'with the function environment `require`s the bundle and serves one invocation, then exits: `get-product` ' +
      "(GET /v1/products/{sku} of the warm measure's product), `create-order` (one checkout of one unit, with a " +
      "customer's token, against DynamoDB Local and the SQS emulator) and the yardstick (the same GET).",
    'The bundles are built with the same options as deployment plus an external source map (`sourcemap: external` ' +
      'leaves the code as deployed); every sample of bundled code is attributed through the map to the package it ' +
      'came from (`node_modules/<package>`) or to its folder of the repository; `(program)` and `(garbage collector)` ' +
      "are V8's own time, `(idle)` waiting for I/O (DynamoDB Local, the SQS emulator), `node:…` Node's own modules (the bundle's compilation shows under `node:internal/modules/cjs/loader`). Self time: the time a sample's own function ran, not its callees.",
    `${ROUNDS} profiles per subject, the subjects taking turns; the table shows, per subject, the profile whose ` +
      `sampled time is the median of its ${ROUNDS}, and lists its ${TOP} largest by self time. Indicative, not a target.`,
  ],
  async run(context) {
    // After the function bundles: building those clears the build directory.
    await context.bundles();
    const options = { ...deploymentBuildOptions(), sourcemap: 'external' as const };
    const byName = new Map(serviceFunctions().map((fn) => [fn.name, fn]));
    const build = (name: string) => {
      const fn = byName.get(name);
      if (!fn) throw new Error(`serverless.yml has no function ${name}`);
      return buildBundle({ ...fn, name: `${name}.profiled` }, options);
    };
    const [getProduct, createOrder, yardstick] = await Promise.all([
      build('get-product'),
      build('create-order'),
      buildBundle(
        { ...BASELINE, name: `${BASELINE.name}.profiled` },
        { ...YARDSTICK_BUILD_OPTIONS, sourcemap: 'external' },
      ),
    ]);
    const { sku } = await context.table();
    const readEnv = await context.functionEnv();
    const stack = await context.checkoutStack();
    const getEvent = httpEvent({
      method: 'GET',
      path: `/v1/products/${sku}`,
      route: '/v1/products/{sku}',
      pathParameters: { sku },
    });
    const profileDir = (name: string) => path.join(benchDir, 'profile', name);
    const checkoutEvent = () =>
      httpEvent({
        method: 'POST',
        path: '/v1/orders',
        headers: { 'Idempotency-Key': randomUUID() },
        body: {
          items: [{ sku: stack.hotSku, quantity: 1 }],
          shippingAddress: SHIPPING_ADDRESS,
          paymentToken: 'tok_visa',
        },
        token: stack.customerToken(randomUUID()),
      });
    const plans = [
      { name: 'get-product', bundle: getProduct, env: readEnv, event: () => getEvent, expected: 200 },
      { name: 'create-order', bundle: createOrder, env: stack.env, event: checkoutEvent, expected: 201 },
      { name: BASELINE.name, bundle: yardstick, env: readEnv, event: () => getEvent, expected: 200 },
    ];
    const profiles = new Map<string, InitProfile[]>(plans.map((plan) => [plan.name, []]));
    const rounds = context.quick ? QUICK_ROUNDS : ROUNDS;
    for (let round = 0; round < rounds; round++) {
      for (const { name, bundle, env, event, expected } of plans) {
        const profile = await profileFirstInvocation(
          { file: bundle.file, exportName: bundle.exportName, env, event: event(), context: contextOf(name) },
          profileDir(name),
        );
        if (profile.status !== expected) throw new Error(`${name}'s first invocation answered ${profile.status}`);
        profiles.get(name)?.push(profile);
      }
    }
    const subjects = plans.map(({ name }) => {
      const sorted = [...(profiles.get(name) ?? [])].sort((a, b) => a.profiledMs - b.profiledMs);
      const profile = sorted[Math.floor((sorted.length - 1) / 2)];
      if (!profile) throw new Error(`no profile of ${name}`);
      return { name, profile };
    });
    const tables: DetailTable[] = subjects.map(({ name, profile }) => ({
      caption: `\`${name}\`: top ${TOP} by self time (of ${ms(profile.profiledMs)} sampled in the process)`,
      columns: ['#', 'Module or package', 'Self time', 'Share'],
      rows: profile.selfMs
        .slice(0, TOP)
        .map((entry, index) => [
          String(index + 1),
          `\`${entry.module}\``,
          ms(entry.ms),
          `${((100 * entry.ms) / profile.profiledMs).toFixed(1)} %`,
        ]),
    }));
    const [first] = subjects;
    return {
      columns: [
        'Subject',
        'Status',
        'require (profiled)',
        'First invocation (profiled)',
        'Sampled in process',
        'Largest self time',
      ],
      rows: subjects.map(({ name, profile }) => ({
        cells: [
          `\`${name}\``,
          String(profile.status),
          ms(profile.importMs),
          ms(profile.invokeMs),
          ms(profile.profiledMs),
          `\`${profile.selfMs[0]?.module ?? ''}\` ${ms(profile.selfMs[0]?.ms ?? 0)}`,
        ],
      })),
      summary: subjects
        .map(({ name, profile }) => `${name} require ${ms(profile.importMs)} + first call ${ms(profile.invokeMs)}`)
        .join('; ')
        .concat(first ? ` (largest self time in ${first.name}: ${first.profile.selfMs[0]?.module})` : ''),
      tables,
      notes: [
        'Times are under the profiler, which slows the process: compare them with each other, not with the cold-import figures.',
      ],
    };
  },
};
