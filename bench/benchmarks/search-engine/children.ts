/**
 * The comparison's fresh processes: one builds an index from the documents, one starts cold from a
 * snapshot as a search function would. Each engine runs from its own entry bundle in a new
 * `node --expose-gc`, so neither inherits the other's JIT, heap or module cache.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { trackChild, untrackChild } from '../../../scripts/local/child-processes';
import type { IndexQuery } from '../../../shared/domain/search/search-ports';
import { nsToMs } from '../../lib/format';
import { median } from '../../lib/stats';

const CHILD_TIMEOUT_MS = 120_000;

export interface EntryBundle {
  file: string;
  exportName: string;
}

export interface Cold {
  requireMs: number;
  readMs: number;
  loadMs: number;
  firstQueryMs: number;
  /** Heap used after a GC with the index loaded, minus before the read: what the index holds. */
  heapMiB: number;
  rssMiB: number;
}

export interface Build {
  buildMs: number;
  /** Heap used after a GC with the index built and the input dropped, minus before the read. */
  heapMiB: number;
}

/** Runs `body` (an async function body with `engine`, `fs`, `now` and `report`) in a fresh node. */
function inChild<T>(bundle: EntryBundle, body: string, what: string): Promise<T> {
  const script = `(async () => {
    const fs = require('node:fs');
    const now = () => process.hrtime.bigint();
    const report = (value) => process.stdout.write(JSON.stringify(value, (_, v) => typeof v === 'bigint' ? String(v) : v));
    const t0 = now();
    const engine = require(${JSON.stringify(bundle.file)})[${JSON.stringify(bundle.exportName)}];
    const requireNs = now() - t0;
    ${body}
  })().catch((error) => { console.error(error); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--expose-gc', '-e', script],
      { cwd: path.dirname(bundle.file), timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (child.pid !== undefined) untrackChild(child.pid);
        if (error) return reject(new Error(`${what} of ${bundle.exportName} failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as T);
      },
    );
    // Tracked so that an interrupted bench takes its children down with it.
    if (child.pid !== undefined) trackChild(child.pid, { group: false });
  });
}

/** Require the bundle, read the snapshot file, load it, answer one query. */
export async function coldStart(bundle: EntryBundle, snapshotFile: string, query: IndexQuery): Promise<Cold> {
  const out = await inChild<Record<string, string | number>>(
    bundle,
    `global.gc();
    const heap0 = process.memoryUsage().heapUsed;
    const t1 = now();
    const bytes = fs.readFileSync(${JSON.stringify(snapshotFile)});
    const t2 = now();
    const index = await engine.load(bytes);
    const t3 = now();
    await index.search(${JSON.stringify(query)});
    const t4 = now();
    globalThis.keep = index;
    global.gc();
    const memory = process.memoryUsage();
    report({ require: requireNs, read: t2 - t1, load: t3 - t2, first: t4 - t3, heap: memory.heapUsed - heap0, rss: memory.rss });`,
    'cold start',
  );
  return {
    requireMs: nsToMs(BigInt(out.require as string)),
    readMs: nsToMs(BigInt(out.read as string)),
    loadMs: nsToMs(BigInt(out.load as string)),
    firstQueryMs: nsToMs(BigInt(out.first as string)),
    heapMiB: (out.heap as number) / 2 ** 20,
    rssMiB: (out.rss as number) / 2 ** 20,
  };
}

/**
 * Read the documents (JSON), build the index, drop the input; with `snapshotFile`, also write the
 * index's snapshot there (after the figures are taken).
 */
export async function buildInChild(bundle: EntryBundle, documentsFile: string, snapshotFile?: string): Promise<Build> {
  const out = await inChild<Record<string, string | number>>(
    bundle,
    `global.gc();
    const heap0 = process.memoryUsage().heapUsed;
    let documents = JSON.parse(fs.readFileSync(${JSON.stringify(documentsFile)}, 'utf8'));
    const t1 = now();
    const index = await engine.build(documents);
    const t2 = now();
    documents = undefined;
    global.gc();
    const heap = process.memoryUsage().heapUsed - heap0;
    ${snapshotFile ? `fs.writeFileSync(${JSON.stringify(snapshotFile)}, await index.snapshot());` : ''}
    report({ build: t2 - t1, heap });`,
    'build',
  );
  return { buildMs: nsToMs(BigInt(out.build as string)), heapMiB: (out.heap as number) / 2 ** 20 };
}

export function medianOf<T extends object>(runs: T[]): T {
  const first = runs[0];
  if (!first) throw new Error('no runs');
  const keys = Object.keys(first) as Array<keyof T>;
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => run[key] as number))])) as T;
}
