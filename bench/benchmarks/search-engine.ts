import type { Benchmark } from '../benchmark';
import { COUNTS, ENGINES, LARGE_SIZE, measure, SIZES } from './search-engine/measure';
import { render, TARGETS } from './search-engine/render';

export const searchEngine: Benchmark = {
  id: 'search-engine',
  title: 'Search engine: MiniSearch against Orama, in the function',
  howMeasured: [
    `Synthetic catalogs of ${SIZES.map((size) => size.toLocaleString('en')).join(' and ')} products, and ` +
      `${LARGE_SIZE.toLocaleString('en')} with \`BENCH_SEARCH_LARGE=1\` ` +
      '(`bench/benchmarks/search-engine/catalog.ts`, seeded): names of an adjective, a material and a noun of one of ' +
      '12 categories, two-sentence descriptions, prices, stock (a fifth at 0), 5 % inactive, 30 % with colour and size ' +
      "variants; every product made a search document by the domain's builder.",
    `Engines: ${ENGINES.map((engine) => engine.label).join('; ')}. MiniSearch through the project's adapter ` +
      "(`shared/adapters/search/embedded-search-index.ts`), Orama through the comparison's own wrapper with its " +
      "native filters, sorting, facets and paging; both with the domain's folding and splitting of text.",
    `Build: ${COUNTS.buildRounds} fresh \`node --expose-gc\` processes per engine and size, medians: the engine's ` +
      'entry bundle reads the documents (JSON) and builds its index; heap after build = heap used after a GC, the ' +
      'input dropped, minus before the read (what the index holds, documents it keeps included). Snapshot: the index ' +
      'serialised as the function would read it (JSON; MiniSearch: its `toJSON` plus the documents; Orama: `save`), ' +
      'written by the first build, and its gzip size.',
    `Cold start: ${COUNTS.coldRounds} fresh \`node --expose-gc\` processes per engine and size, medians: ` +
      "`require` of the engine's entry bundle (deployment esbuild options), read the snapshot file, load it, one " +
      'query; heap after load = heap used after a GC minus before the read. The yardstick is the bare GetItem ' +
      "handler's cold import (as in the cold-import measure); the issue's budget for 10,000 products is " +
      `${TARGETS.coldRatio}× that plus the read.`,
    'Query mix, the same queries in the same order for every engine, 200 of each set, every query a page of 20 ' +
      'with the category facets: "two words + filter" (an adjective and a noun of a real name, by relevance, ' +
      'alternately with its category or `inStock`), "typing" (a word and the first three letters of the next, by ' +
      'price), "one typo" (a word of 5+ letters of a real name with one letter replaced, dropped, added or swapped ' +
      'with its neighbour, then the noun, within a price range), "browse" (no words: a category, newest first, ' +
      'every other one `inStock`).',
    `Warm queries, in the bench process on the loaded snapshot, ${COUNTS.warmup} warm-up of each set, then ` +
      `${COUNTS.rounds * 2} rounds of the whole mix, the engines taking turns (ABBA). Targets (at 10,000 products, ` +
      `the "two words + filter" set): p50 ≤ ${TARGETS.p50} ms, p99 ≤ ${TARGETS.p99} ms.`,
    "Agreement: every query of the mix asked again for all its matches, against the contract's answer worked out " +
      'by brute force (`bench/benchmarks/search-engine/oracle.ts`: every term of every active document against ' +
      "every word by the domain's `wordMatchesTerm`, the filters and facets by their definition): the same " +
      'products and total, in the order asked (by price or date; by relevance, more words matched in the name ' +
      'first), and the same category facets (counted over the other filters). "Agrees" is all three.',
    "Relevance: the contract's rules as queries on the unit tests' fixed catalog, each engine's answer against the expected products in order.",
  ],
  async run(context) {
    return render(await measure(context));
  },
};
