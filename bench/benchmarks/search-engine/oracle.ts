/**
 * The contract's answer to a query (§5.2), worked out the slow and obvious way: every document's
 * terms against every word of the query by the domain's own rules (search-text.ts), the filters and
 * the facets by their definition. What each engine's answer is held against, on the very catalog
 * and queries it was timed with.
 */
import type { SearchDocument } from '../../../shared/domain/search/search-document';
import type { FacetCount, IndexQuery } from '../../../shared/domain/search/search-ports';
import {
  indexTerms,
  queryWords,
  skuTerm,
  wordMatchesSku,
  wordMatchesTerm,
} from '../../../shared/domain/search/search-text';
import type { EnginePage } from './engine';

export interface Expected {
  /** Every product the query finds (text and every filter), in no particular order. */
  ids: Set<string>;
  /** Per category, the matches of the text and the other filters. */
  facets: FacetCount[];
}

/** How an engine's answer (asked for every match at once) compares with the contract's. */
export interface Agreement {
  /** The same products, none missing and none extra, and as many as the total says. */
  results: boolean;
  /** In the query's order: by price or date as asked; by relevance, a name match before the rest. */
  order: boolean;
  facets: boolean;
}

const textOf = (document: SearchDocument) => [
  document.name,
  document.description,
  document.category,
  ...document.optionValues,
];

/** The contract's answers over these documents. */
export function contractOracle(documents: SearchDocument[]) {
  const active = documents.filter((document) => document.active);
  const byId = new Map(active.map((document) => [document.id, document]));
  const postings = new Map<string, Set<string>>();
  const nameTerms = new Map<string, string[]>();
  for (const document of active) {
    for (const term of textOf(document).flatMap(indexTerms)) {
      const ids = postings.get(term) ?? new Set<string>();
      ids.add(document.id);
      postings.set(term, ids);
    }
    nameTerms.set(document.id, indexTerms(document.name));
  }
  // A sku is matched whole, or as a prefix while typed (search-text.ts `wordMatchesSku`).
  const skuTerms = active.flatMap((document) => document.skus.map((sku) => [skuTerm(sku), document.id] as const));
  const vocabulary = [...postings.keys()];
  const matchesOf = new Map<string, Set<string>>();

  /** The products a word finds; only a shortcut on length keeps the rule's own function from every term. */
  function productsOf(word: string, last: boolean): Set<string> {
    const key = `${last ? 1 : 0}${word}`;
    const known = matchesOf.get(key);
    if (known) return known;
    const found = new Set<string>();
    for (const term of vocabulary) {
      // One typo changes the length by one at most (two UTF-16 units leave room for one astral letter).
      const near = Math.abs(term.length - word.length) <= 2 || (last && term.startsWith(word));
      if (near && wordMatchesTerm(word, term, last)) for (const id of postings.get(term) ?? []) found.add(id);
    }
    for (const [term, id] of skuTerms) if (wordMatchesSku(word, term, last)) found.add(id);
    matchesOf.set(key, found);
    return found;
  }

  const inPriceRange = (document: SearchDocument, query: IndexQuery) =>
    document.prices.some((price) => price >= (query.minPrice ?? -Infinity) && price <= (query.maxPrice ?? Infinity));

  function expected(query: IndexQuery): Expected {
    const words = queryWords(query.q ?? '');
    let candidates: Iterable<string> = byId.keys();
    for (const [i, word] of words.entries()) {
      const found = productsOf(word, i === words.length - 1);
      candidates = [...candidates].filter((id) => found.has(id));
    }
    const filtered = [...candidates]
      .map((id) => byId.get(id) as SearchDocument)
      .filter((document) => (!query.inStock || document.available > 0) && inPriceRange(document, query));
    const counts = new Map<string, number>();
    for (const document of filtered) counts.set(document.category, (counts.get(document.category) ?? 0) + 1);
    const hits = query.category === undefined ? filtered : filtered.filter((d) => d.category === query.category);
    return {
      ids: new Set(hits.map((document) => document.id)),
      facets: [...counts].map(([value, count]) => ({ value, count })),
    };
  }

  /** How many of the query's words match a term of the product's name. */
  function nameWords(id: string, words: string[]): number {
    const terms = nameTerms.get(id) ?? [];
    return words.filter((word, i) => terms.some((term) => wordMatchesTerm(word, term, i === words.length - 1))).length;
  }

  function ordered(query: IndexQuery, ids: string[]): boolean {
    const words = queryWords(query.q ?? '');
    const key = (id: string): number => {
      const document = byId.get(id);
      if (!document) return Number.NaN;
      if (query.sort === 'price-asc') return document.price;
      if (query.sort === 'price-desc') return -document.price;
      if (query.sort === 'newest') return -Date.parse(document.createdAt);
      return -nameWords(id, words);
    };
    const keys = ids.map(key);
    return keys.every((k, i) => i === 0 || (keys[i - 1] as number) <= k);
  }

  /** An engine's page (asked with a limit of every product) against the contract's answer. */
  function judge(query: IndexQuery, page: EnginePage): Agreement {
    const want = expected(query);
    const results =
      page.total === want.ids.size && page.ids.length === want.ids.size && page.ids.every((id) => want.ids.has(id));
    const facetsOf = (facets: FacetCount[]) =>
      JSON.stringify(
        facets
          .filter((facet) => facet.count > 0)
          .map((facet) => [facet.value, facet.count])
          .sort(),
      );
    return { results, order: ordered(query, page.ids), facets: facetsOf(page.facets) === facetsOf(want.facets) };
  }

  return { expected, judge };
}
