import type { Benchmark } from '../benchmark';
import type { Bundle } from '../lib/build-bundles';
import { ms, nsToMs, ratio, verdict } from '../lib/format';
import { median, percentile, seededRandom, shuffled } from '../lib/stats';
import { timeRequire } from '../lib/time-require';

/** Target: each function's median cold import at most this many times the bare handler's. */
const MAX_RATIO = 1.5;
const ROUNDS = 15;
const QUICK_ROUNDS = 3;

export const coldImport: Benchmark = {
  id: 'cold-import',
  title: 'Cold import time',
  howMeasured: [
    'Each sample is a fresh `node` process (the Node that runs the bench) that times `require(<bundle>)` with ' +
      '`process.hrtime.bigint()` around it and prints the difference: module loading, parsing and top-level code, ' +
      'without process start-up.',
    `The children get only the function environment of the warm-latency measure, no \`NODE_OPTIONS\` and no compile cache.`,
    `${ROUNDS} measured rounds after one discarded warm-up round (it fills the page cache); each round runs every ` +
      'function once in a shuffled (seeded) order, each immediately followed by a run of the baseline, so slow ' +
      'spells of the machine hit functions and baseline alike. Runs are sequential, one child at a time.',
    `The ratio is the function's median over the baseline's median (all its runs); target ≤ ${MAX_RATIO}×.`,
  ],
  async run(context) {
    const { functions, baseline } = await context.bundles();
    const env = await context.functionEnv();
    const rounds = context.quick ? QUICK_ROUNDS : ROUNDS;
    const samples = new Map<Bundle, number[]>([baseline, ...functions].map((bundle) => [bundle, []]));
    const random = seededRandom(0xc01d);
    for (let round = 0; round <= rounds; round++) {
      for (const bundle of shuffled(functions, random)) {
        for (const subject of [bundle, baseline]) {
          const elapsed = nsToMs(await timeRequire(subject.file, subject.exportName, env));
          // Round 0 only warms the page cache.
          if (round > 0) samples.get(subject)?.push(elapsed);
        }
      }
    }
    const of = (bundle: Bundle) => samples.get(bundle) ?? [];
    const baselineMedian = median(of(baseline));
    const baselineP90 = percentile(of(baseline), 90);
    const results = functions.map((bundle) => {
      const fnMedian = median(of(bundle));
      return { bundle, median: fnMedian, p90: percentile(of(bundle), 90), ratio: fnMedian / baselineMedian };
    });
    const rows = results.map((result) => {
      const pass = result.ratio <= MAX_RATIO;
      return {
        cells: [
          `\`${result.bundle.name}\``,
          ms(result.median),
          ms(result.p90),
          ms(baselineMedian),
          ms(baselineP90),
          ratio(result.ratio),
          `≤ ${ratio(MAX_RATIO)}`,
          verdict(pass),
        ],
        pass,
      };
    });
    const worst = results.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const failed = results.filter((result) => result.ratio > MAX_RATIO);
    return {
      columns: ['Function', 'Median', 'p90', 'Baseline median', 'Baseline p90', 'Ratio', 'Target', 'Result'],
      rows,
      summary:
        `${failed.length === 0 ? 'PASS' : `FAIL (${failed.length}/${results.length})`}: worst ${worst.bundle.name} ` +
        `${ms(worst.median)} = ${ratio(worst.ratio)} the baseline's ${ms(baselineMedian)} (target ≤ ${ratio(MAX_RATIO)}; ` +
        `${rounds} runs per function, ${of(baseline).length} of the baseline)`,
    };
  },
};
