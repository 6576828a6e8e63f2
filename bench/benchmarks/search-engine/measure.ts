/** The search engine comparison's figures: per engine and catalog size, build, snapshot, load and query. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IndexQuery } from '../../../shared/domain/search/search-ports';
import type { BenchContext } from '../../bench-context';
import { BASELINE, benchDir, buildBundle, YARDSTICK_BUILD_OPTIONS } from '../../lib/build-bundles';
import { bytesByPackage } from '../../lib/bundle-contents';
import { nsToMs } from '../../lib/format';
import { median, percentile } from '../../lib/stats';
import { timeRequire } from '../../lib/time-require';
import { type QuerySet, syntheticCatalog } from './catalog';
import { type Build, buildInChild, type Cold, coldStart, type EntryBundle, medianOf } from './children';
import type { Engine, EngineIndex } from './engine';
import { miniSearch, miniSearchRebuild } from './minisearch-engines';
import { type Agreement, contractOracle } from './oracle';
import { orama } from './orama-index';
import { type RelevanceOutcome, relevance } from './relevance';

export const ENGINES: Engine[] = [miniSearch, miniSearchRebuild, orama];
/** The engines whose queries are timed (the rebuild variant answers with the same index as MiniSearch). */
const QUERIED = new Set([miniSearch.id, orama.id]);
export const SIZES = [1_000, 10_000];
/**
 * BENCH_SEARCH_LARGE=1 adds this size: some ten minutes more on 2 cores (Orama's queries there take
 * up to a second each), too long for every run of the bench within its watchdog.
 */
export const LARGE_SIZE = 50_000;
export const COUNTS = { warmup: 50, rounds: 2, coldRounds: 5, buildRounds: 3 };
const QUICK_COUNTS = { warmup: 10, rounds: 1, coldRounds: 2, buildRounds: 1 };
const ENTRIES: Record<string, { entry: string; exportName: string }> = {
  minisearch: { entry: 'bench/entries/search-cold-minisearch.ts', exportName: 'miniSearch' },
  'minisearch-rebuild': { entry: 'bench/entries/search-cold-minisearch.ts', exportName: 'miniSearchRebuild' },
  orama: { entry: 'bench/entries/search-cold-orama.ts', exportName: 'orama' },
};

export type { Cold } from './children';

export interface EngineAtSize {
  engine: Engine;
  size: number;
  build: Build;
  snapshotBytes: number;
  gzipBytes: number;
  cold: Cold;
  /** Warm query times (ms) per query set, when timed. */
  latency?: Record<string, number[]>;
  /** Per query set, each query's answer against the contract's, when timed. */
  agreement?: Record<string, Agreement[]>;
}

export interface Measured {
  rows: EngineAtSize[];
  relevance: RelevanceOutcome[];
  bundles: Array<{ engine: Engine; bytes: number; packageBytes: number }>;
  querySets: Array<Pick<QuerySet, 'id' | 'label'>>;
  yardstickMs: number;
  sizes: number[];
}

async function timeQueries(index: EngineIndex, queries: IndexQuery[], samples: number[] | undefined) {
  for (const query of queries) {
    const start = process.hrtime.bigint();
    await index.search(query);
    samples?.push(nsToMs(process.hrtime.bigint() - start));
  }
}

export async function measure(context: BenchContext): Promise<Measured> {
  const sizes = process.env.BENCH_SEARCH_LARGE === '1' ? [...SIZES, LARGE_SIZE] : SIZES;
  const counts = context.quick ? QUICK_COUNTS : COUNTS;
  const scratch = path.join(benchDir, 'search');
  mkdirSync(scratch, { recursive: true });

  const entryBundles = new Map<string, EntryBundle>();
  const bundles: Measured['bundles'] = [];
  for (const engine of ENGINES) {
    const { entry, exportName } = ENTRIES[engine.id] as { entry: string; exportName: string };
    const bundle = await buildBundle({ name: `search-${engine.id}`, entry, exportName });
    entryBundles.set(engine.id, { file: bundle.file, exportName });
    if (engine.id !== miniSearchRebuild.id) {
      bundles.push({ engine, bytes: bundle.bytes, packageBytes: bytesByPackage(bundle).get(engine.packageName) ?? 0 });
    }
  }
  const yardstick = await buildBundle(BASELINE, YARDSTICK_BUILD_OPTIONS);
  const yardstickEnv = { AWS_REGION: 'us-east-1', TABLE_NAME: 'bench' };
  const yardstickRuns: number[] = [];
  for (let i = 0; i <= counts.coldRounds; i++) {
    const ms = nsToMs(await timeRequire(yardstick.file, yardstick.exportName, yardstickEnv));
    // The first run only fills the page cache.
    if (i > 0) yardstickRuns.push(ms);
  }

  const rows: EngineAtSize[] = [];
  let querySets: QuerySet[] = [];
  for (const size of sizes) {
    const catalog = syntheticCatalog(size);
    querySets = catalog.querySets;
    const documentsFile = path.join(scratch, `documents-${size}.json`);
    writeFileSync(documentsFile, JSON.stringify(catalog.documents));
    const oracle = contractOracle(catalog.documents);
    const firstQuery = catalog.querySets[0]?.queries[0] as IndexQuery;
    const loaded = new Map<string, { row: EngineAtSize; index: EngineIndex }>();
    for (const engine of ENGINES) {
      const bundle = entryBundles.get(engine.id) as EntryBundle;
      const snapshotFile = path.join(scratch, `${engine.id}-${size}.json`);
      const builds: Build[] = [];
      for (let i = 0; i < counts.buildRounds; i++) {
        builds.push(await buildInChild(bundle, documentsFile, i === 0 ? snapshotFile : undefined));
      }
      const bytes = readFileSync(snapshotFile);
      const colds: Cold[] = [];
      for (let i = 0; i < counts.coldRounds; i++) colds.push(await coldStart(bundle, snapshotFile, firstQuery));
      const row: EngineAtSize = {
        engine,
        size,
        build: medianOf(builds),
        snapshotBytes: bytes.length,
        gzipBytes: gzipSync(bytes).length,
        cold: medianOf(colds),
      };
      rows.push(row);
      if (QUERIED.has(engine.id)) loaded.set(engine.id, { row, index: await engine.load(bytes) });
    }
    const subjects = [...loaded.values()];
    for (const subject of subjects) {
      subject.row.latency = Object.fromEntries(catalog.querySets.map((set) => [set.id, []]));
      for (const set of catalog.querySets)
        await timeQueries(subject.index, set.queries.slice(0, counts.warmup), undefined);
    }
    // The engines take turns (ABBA), so a slow spell of the machine weighs on both.
    for (let round = 0; round < counts.rounds * 2; round++) {
      for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) {
        for (const set of catalog.querySets)
          await timeQueries(subject.index, set.queries, subject.row.latency?.[set.id]);
      }
    }
    // Then the same queries asked for every match at once, against the contract's answer.
    for (const subject of subjects) {
      const agreement: Record<string, Agreement[]> = {};
      for (const set of catalog.querySets) {
        agreement[set.id] = [];
        for (const query of set.queries) {
          const page = await subject.index.search({ ...query, limit: size });
          agreement[set.id]?.push(oracle.judge(query, page));
        }
      }
      subject.row.agreement = agreement;
    }
  }
  return {
    rows,
    relevance: await relevance([miniSearch, orama]),
    bundles,
    querySets: querySets.map(({ id, label }) => ({ id, label })),
    yardstickMs: median(yardstickRuns),
    sizes,
  };
}

/** A percentile of a row's samples: of one query set, or of the whole mix. */
export function p(row: EngineAtSize, q: number, setId?: string): number | undefined {
  if (!row.latency) return undefined;
  const samples = setId === undefined ? Object.values(row.latency).flat() : row.latency[setId];
  return samples?.length ? percentile(samples, q) : undefined;
}

/** The fraction of a row's queries (of one set, or all) that agree with the contract on `what`. */
export function agreed(row: EngineAtSize, what: (agreement: Agreement) => boolean, setId?: string) {
  if (!row.agreement) return undefined;
  const all = setId === undefined ? Object.values(row.agreement).flat() : (row.agreement[setId] ?? []);
  return all.length === 0 ? undefined : all.filter(what).length / all.length;
}
