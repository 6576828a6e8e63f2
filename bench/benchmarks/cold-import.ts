import type { Benchmark } from '../benchmark';
import type { Bundle } from '../lib/build-bundles';
import { ms, nsToMs, ratio, verdict } from '../lib/format';
import { median, percentile, seededRandom, shuffled } from '../lib/stats';
import { timeRequire } from '../lib/time-require';

/** Target: each function's median cold import at most this many times the bare handler's. */
const MAX_RATIO = 1.3;
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
    "The ratio is the median, over the rounds, of the function's time divided by the time of the baseline run " +
      'that followed it: a slow spell that hits a run hits its pair too, so the ratio does not move with the ' +
      `machine's load as a ratio of separate medians would. Target ≤ ${MAX_RATIO}×. The baseline columns are the ` +
      "medians of the function's paired baseline runs.",
  ],
  async run(context) {
    const { functions, baseline } = await context.bundles();
    const env = await context.functionEnv();
    const rounds = context.quick ? QUICK_ROUNDS : ROUNDS;
    /** Per function, one pair per measured round: its time, and the baseline's run right after it. */
    const pairs = new Map<Bundle, { fn: number; baseline: number }[]>(functions.map((bundle) => [bundle, []]));
    const timeOf = async (subject: Bundle) => nsToMs(await timeRequire(subject.file, subject.exportName, env));
    const random = seededRandom(0xc01d);
    for (let round = 0; round <= rounds; round++) {
      for (const bundle of shuffled(functions, random)) {
        const fn = await timeOf(bundle);
        const pair = { fn, baseline: await timeOf(baseline) };
        // Round 0 only warms the page cache.
        if (round > 0) pairs.get(bundle)?.push(pair);
      }
    }
    const allBaseline = [...pairs.values()].flatMap((runs) => runs.map((run) => run.baseline));
    const results = functions.map((bundle) => {
      const runs = pairs.get(bundle) ?? [];
      const times = runs.map((run) => run.fn);
      const baselineTimes = runs.map((run) => run.baseline);
      return {
        bundle,
        median: median(times),
        p90: percentile(times, 90),
        baselineMedian: median(baselineTimes),
        baselineP90: percentile(baselineTimes, 90),
        ratio: median(runs.map((run) => run.fn / run.baseline)),
      };
    });
    const rows = results.map((result) => {
      const pass = result.ratio <= MAX_RATIO;
      return {
        cells: [
          `\`${result.bundle.name}\``,
          ms(result.median),
          ms(result.p90),
          ms(result.baselineMedian),
          ms(result.baselineP90),
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
      columns: [
        'Function',
        'Median',
        'p90',
        'Paired baseline median',
        'Paired baseline p90',
        'Ratio (median of pairs)',
        'Target',
        'Result',
      ],
      rows,
      summary:
        `${failed.length === 0 ? 'PASS' : `FAIL (${failed.length}/${results.length})`}: worst ${worst.bundle.name} ` +
        `${ms(worst.median)}, ${ratio(worst.ratio)} its paired baseline run (median of ${rounds} pairs; the baseline's ` +
        `median over all ${allBaseline.length} runs ${ms(median(allBaseline))}; target ≤ ${ratio(MAX_RATIO)})`,
    };
  },
};
