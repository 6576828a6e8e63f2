import type { Benchmark, DetailTable } from '../benchmark';
import { type Bundle, bundleNamed } from '../lib/build-bundles';
import { bytesByPackage } from '../lib/bundle-contents';
import { kib, ratio, verdict } from '../lib/format';

/** Target: every function's minified bundle at most this many times the yardstick's (about 290 KiB). */
const MAX_RATIO = 1.5;
/** Functions whose contents are listed against the yardstick's, and how many packages each. */
const BREAKDOWN = ['get-product', 'create-order'];
const BREAKDOWN_ROWS = 15;

/** What a function bundles beyond the yardstick, per package, largest difference first. */
function breakdown(bundle: Bundle, baseline: Bundle): DetailTable {
  const mine = bytesByPackage(bundle);
  const bare = bytesByPackage(baseline);
  const rows = [...new Set([...mine.keys(), ...bare.keys()])]
    .map((name) => ({ name, bytes: mine.get(name) ?? 0, bare: bare.get(name) ?? 0 }))
    .sort((a, b) => b.bytes - b.bare - (a.bytes - a.bare))
    .slice(0, BREAKDOWN_ROWS);
  return {
    caption:
      `\`${bundle.name}\` beyond the yardstick: the ${BREAKDOWN_ROWS} packages or folders that add most ` +
      `(esbuild metafile, bytes in the output; ${kib(bundle.bytes - baseline.bytes)} in all)`,
    columns: ['Package or folder', bundle.name, 'Yardstick', 'Difference'],
    rows: rows.map((row) => [`\`${row.name}\``, kib(row.bytes), kib(row.bare), kib(row.bytes - row.bare)]),
  };
}

export const bundleSize: Benchmark = {
  id: 'bundle-size',
  title: 'Bundle size',
  howMeasured: [
    'Every function of `serverless.yml` is bundled on its own with the options serverless-esbuild derives from ' +
      '`custom.esbuild` (read from `serverless.yml` at run time; the exact options are listed under the table): ' +
      'bundled, minified, cjs for the Node runtime, the AWS SDK included, plugins from `esbuild-plugins.cjs`.',
    'The figure is the size in bytes of the single `.js` file esbuild writes (uncompressed; 1 KiB = 1024 bytes).',
    `Under the table, for ${BREAKDOWN.map((name) => `\`${name}\``).join(' and ')}, the packages that add most to ` +
      "the yardstick's bytes, from esbuild's metafile (`bytesInOutput` summed per package or repository folder).",
    'The baseline is a fixed yardstick: `bench/baseline/bare-get-item.ts`, the best bare handler anyone could ' +
      "write, bundled with the bench's own fixed options (`YARDSTICK_BUILD_OPTIONS` in `bench/lib/build-bundles.ts`: " +
      "the SDK's ES modules via `mainFields: ['module', 'main']`, minified, tree-shaken, the credential chain cut to " +
      "the environment provider), never with the project's options, so a change to the project's build cannot move it. " +
      `Target: each function ≤ ${ratio(MAX_RATIO)} the yardstick.`,
  ],
  async run(context) {
    const { functions, baseline, options, baselineOptions } = await context.bundles();
    const maxBytes = MAX_RATIO * baseline.bytes;
    const rows = functions.map((bundle) => {
      const pass = bundle.bytes <= maxBytes;
      return {
        cells: [
          `\`${bundle.name}\``,
          kib(bundle.bytes),
          bundle.bytes.toLocaleString('en'),
          kib(baseline.bytes),
          ratio(bundle.bytes / baseline.bytes),
          `≤ ${ratio(MAX_RATIO)} (${kib(maxBytes)})`,
          verdict(pass),
        ],
        pass,
      };
    });
    const largest = functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const failed = functions.filter((bundle) => bundle.bytes > maxBytes);
    return {
      columns: ['Function', 'Minified', 'Bytes', 'Yardstick', 'Ratio', 'Target', 'Result'],
      rows,
      tables: BREAKDOWN.map((name) => breakdown(bundleNamed(functions, name), baseline)),
      summary:
        `${failed.length === 0 ? 'PASS' : `FAIL (${failed.length}/${functions.length})`}: largest ${largest.name} ` +
        `${kib(largest.bytes)}, ${ratio(largest.bytes / baseline.bytes)} the yardstick's ${kib(baseline.bytes)} ` +
        `(target ≤ ${ratio(MAX_RATIO)} = ${kib(maxBytes)} each)`,
      notes: [
        ...(failed.length > 0 ? [`Over the target: ${failed.map((bundle) => bundle.name).join(', ')}.`] : []),
        `esbuild options of the functions (deployment's): \`${options}\``,
        `esbuild options of the yardstick (fixed in the bench): \`${baselineOptions}\``,
      ],
    };
  },
};
