/**
 * `npm run bench`: measures the Lambda bundles against a bare handler and writes
 * docs/BENCHMARKS.md. Exits 0 whether or not targets are met (the document says FAIL); exits
 * non-zero only when the bench itself broke, and then leaves the document as it was.
 *
 * BENCH_QUICK=1 runs with small counts and writes .bench/BENCHMARKS.quick.md instead.
 * BENCH_ONLY=<id>,<id> runs only those measures (ids in bench/benchmarks/*.ts) and writes
 * .bench/BENCHMARKS.partial.md (or .partial.quick.md): never docs/BENCHMARKS.md, which holds all of them.
 * BENCH_SEARCH_LARGE=1 adds a 50,000-product catalog to the search engine comparison (minutes more).
 */
// First: lets the composition root's ES-only packages load in this CommonJS process.
import './lib/esm-only-packages';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killChildrenOnSignals } from '../scripts/local/child-processes';
import { repoRoot } from '../scripts/local/paths';
import { BenchContext } from './bench-context';
import type { Benchmark, SectionResult } from './benchmark';
import { bundleSize } from './benchmarks/bundle-size';
import { checkoutCapacity } from './benchmarks/checkout-capacity';
import { checkoutThroughput } from './benchmarks/checkout-throughput';
import { coldImport } from './benchmarks/cold-import';
import { eventLatency } from './benchmarks/event-latency';
import { initProfile } from './benchmarks/init-profile';
import { localLoad } from './benchmarks/local-load';
import { orderToShipped } from './benchmarks/order-to-shipped';
import { paymentWorkerThroughput } from './benchmarks/payment-worker-throughput';
import { searchEngine } from './benchmarks/search-engine';
import { searchFreshness } from './benchmarks/search-freshness';
import { warmGetProduct } from './benchmarks/warm-get-product';
import { benchDir } from './lib/build-bundles';
import { machineInfo } from './lib/machine';
import { type Report, renderReport, renderSummary } from './lib/report';

/** Bump when a change to the bench makes its figures incomparable with earlier ones. */
const BENCH_VERSION = 1;

/**
 * The measures, in the order they run and appear. Cold imports (and the search engine comparison,
 * which starts fresh processes too) run before the warm measure starts DynamoDB Local, so the JVM
 * does not compete with the child processes for the CPU; the
 * checkout measures follow, as they add the SQS emulator and a thousand products, then the payment
 * worker (which adds the sandbox gateway and pays orders those products), the search freshness
 * (which fills that table to ten thousand products and runs the index worker), and last the whole local
 * stack of `npm start`, started for each of its two measures (order to SHIPPED, then the load) and
 * stopped right after.
 */
const benchmarks: Benchmark[] = [
  bundleSize,
  coldImport,
  searchEngine,
  warmGetProduct,
  initProfile,
  checkoutThroughput,
  checkoutCapacity,
  paymentWorkerThroughput,
  // After the checkout measures: it adds thousands of products to their table.
  searchFreshness,
  orderToShipped,
  eventLatency,
  localLoad,
];

/** A run that takes longer than this is stuck; normal runs take eight to nine minutes on 2 cores. */
const MAX_RUN_MS = 15 * 60_000;
const MIN_NODE_MAJOR = 24;

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const unknown = only.filter((id) => !benchmarks.some((benchmark) => benchmark.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY: no measure ${unknown.join(', ')} (there are ${benchmarks.map((b) => b.id).join(', ')})`,
    );
  }
  const selected = only.length > 0 ? benchmarks.filter((benchmark) => only.includes(benchmark.id)) : benchmarks;
  const major = Number(process.versions.node.split('.')[0]);
  // The children run on process.execPath: on another Node the figures would not be the runtime's.
  if (major < MIN_NODE_MAJOR) {
    throw new Error(
      `the bench needs Node ${MIN_NODE_MAJOR} (the Lambda runtime), not ${process.version}: use npm run bench`,
    );
  }
  killChildrenOnSignals();
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: no result after ${MAX_RUN_MS / 1000} s, giving up\n`);
    // The exit hook of scripts/local/child-processes.ts stops DynamoDB Local and the children.
    process.exit(2);
  }, MAX_RUN_MS);
  watchdog.unref();

  const started = Date.now();
  const loadAtStart = os.loadavg();
  const context = new BenchContext(quick);
  const sections: Array<{ benchmark: Benchmark; result: SectionResult }> = [];
  try {
    for (const benchmark of selected) {
      process.stdout.write(`bench: ${benchmark.title}...\n`);
      const t0 = Date.now();
      const result = await benchmark.run(context);
      process.stdout.write(`bench:   done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      sections.push({ benchmark, result });
    }
  } finally {
    await context.close();
    clearTimeout(watchdog);
  }

  const report: Report = {
    version: BENCH_VERSION,
    quick,
    generatedAt: new Date(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: machineInfo(),
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    sections,
  };
  const partial = only.length > 0 ? '.partial' : '';
  const target =
    quick || partial
      ? path.join(benchDir, `BENCHMARKS${partial}${quick ? '.quick' : ''}.md`)
      : path.join(repoRoot, 'docs', 'BENCHMARKS.md');
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, renderReport(report));
  process.stdout.write(`\n${renderSummary(report)}\n\nWrote ${path.relative(repoRoot, target)}\n`);
}

main().then(
  // Explicit exit: the loaded bundles' SDK clients may hold sockets that would keep the process up.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
