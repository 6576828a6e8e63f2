import type { Benchmark } from '../benchmark';
import { KIB, kib, ratio, verdict } from '../lib/format';

/** The target for every function's minified bundle: 600 KiB (614,400 bytes). */
const MAX_BYTES = 600 * KIB;

export const bundleSize: Benchmark = {
  id: 'bundle-size',
  title: 'Bundle size',
  howMeasured: [
    'Every function of `serverless.yml` is bundled on its own with the options serverless-esbuild derives from ' +
      '`custom.esbuild` (read from `serverless.yml` at run time; the exact options are listed under the table): ' +
      'bundled, minified, cjs for the Node runtime, the AWS SDK included, plugins from `esbuild-plugins.cjs`.',
    'The figure is the size in bytes of the single `.js` file esbuild writes (uncompressed; 1 KiB = 1024 bytes).',
    'The baseline is `bench/baseline/bare-get-item.ts` bundled with the same options.',
  ],
  async run(context) {
    const { functions, baseline, options } = await context.bundles();
    const rows = functions.map((bundle) => {
      const pass = bundle.bytes <= MAX_BYTES;
      return {
        cells: [
          `\`${bundle.name}\``,
          kib(bundle.bytes),
          bundle.bytes.toLocaleString('en'),
          kib(baseline.bytes),
          ratio(bundle.bytes / baseline.bytes),
          `≤ ${kib(MAX_BYTES)}`,
          verdict(pass),
        ],
        pass,
      };
    });
    const largest = functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const failed = functions.filter((bundle) => bundle.bytes > MAX_BYTES);
    return {
      columns: ['Function', 'Minified', 'Bytes', 'Baseline', 'Ratio', 'Target', 'Result'],
      rows,
      summary:
        `${failed.length === 0 ? 'PASS' : 'FAIL'}: largest ${largest.name} ${kib(largest.bytes)} ` +
        `(target ≤ ${kib(MAX_BYTES)} each; baseline ${kib(baseline.bytes)})`,
      notes: [
        ...(failed.length > 0 ? [`Over the target: ${failed.map((bundle) => bundle.name).join(', ')}.`] : []),
        `esbuild options: \`${options}\``,
      ],
    };
  },
};
