import type { IndexedDocument } from '../../domain/search/search-document';
import type { FacetCount, IndexPage, IndexQuery, SearchSort } from '../../domain/search/search-ports';
import { InvalidCursorError } from '../../lib/cursor-codec';

/** A document that matched, with what it is ordered by. */
export interface Candidate {
  document: IndexedDocument;
  score: number;
  /** How many query words matched in the name: relevance orders by it before the score. */
  nameWords: number;
  /** createdAt in epoch ms, kept with the document so ordering does not parse dates. */
  createdMs: number;
}

/**
 * A position in an ordering: the sort key of the last product shown, then its id. Ordering is by
 * `k` ascending, then `id`, so every order is total and a page starts strictly after its position:
 * no product is shown twice or skipped while the others stay put.
 */
interface Position {
  k: number[];
  id: string;
}

const KEY_LENGTH: Record<SearchSort, number> = { relevance: 2, 'price-asc': 1, 'price-desc': 1, newest: 1 };

function keyOf(candidate: Candidate, sort: SearchSort): number[] {
  switch (sort) {
    case 'relevance':
      return [-candidate.nameWords, -candidate.score];
    case 'price-asc':
      return [candidate.document.price];
    case 'price-desc':
      return [-candidate.document.price];
    case 'newest':
      return [-candidate.createdMs];
  }
}

function compare(a: Position, b: Position): number {
  for (let i = 0; i < a.k.length; i++) {
    const d = (a.k[i] as number) - (b.k[i] as number);
    if (d !== 0) return d;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function toPosition(value: Record<string, unknown>, sort: SearchSort): Position {
  const { k, id } = value;
  const valid =
    Array.isArray(k) &&
    k.length === KEY_LENGTH[sort] &&
    k.every((part) => typeof part === 'number' && Number.isFinite(part)) &&
    typeof id === 'string';
  if (!valid) throw new InvalidCursorError();
  return { k: k as number[], id: id as string };
}

const inPriceRange = (document: IndexedDocument, min = -Infinity, max = Infinity) =>
  document.prices.some((price) => price >= min && price <= max);

/** Category counts, most first, then by name. */
function countCategories(candidates: Candidate[]): FacetCount[] {
  const counts = new Map<string, number>();
  for (const { document } of candidates) counts.set(document.category, (counts.get(document.category) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/**
 * The page of a query from the documents that matched its words (or all, when browsing): the
 * filters, the category facets (every filter but the category), the total, and the `limit` first
 * in the query's order after its position. Only the page is ordered, not the whole match.
 */
export function pageOf(matched: Iterable<Candidate>, query: IndexQuery): IndexPage {
  const filtered: Candidate[] = [];
  for (const candidate of matched) {
    const { document } = candidate;
    if (!document.active) continue;
    if (query.inStock === true && document.available <= 0) continue;
    if (!inPriceRange(document, query.minPrice, query.maxPrice)) continue;
    filtered.push(candidate);
  }
  const facets = { category: countCategories(filtered) };
  const hits = query.category === undefined ? filtered : filtered.filter((c) => c.document.category === query.category);
  const after = query.after ? toPosition(query.after, query.sort) : undefined;

  // The first limit + 1 after the position, kept in order by insertion: one comparison for most.
  const keep = query.limit + 1;
  const best: Position[] = [];
  const byPosition = new Map<Position, Candidate>();
  for (const candidate of hits) {
    const position = { k: keyOf(candidate, query.sort), id: candidate.document.id };
    if (after && compare(position, after) <= 0) continue;
    if (best.length === keep && compare(position, best[keep - 1] as Position) >= 0) continue;
    let at = best.length;
    while (at > 0 && compare(position, best[at - 1] as Position) < 0) at--;
    best.splice(at, 0, position);
    byPosition.set(position, candidate);
    if (best.length > keep) byPosition.delete(best.pop() as Position);
  }
  const page = best.slice(0, query.limit);
  const last = page.at(-1);
  return {
    hits: page.map((position) => {
      const candidate = byPosition.get(position) as Candidate;
      return { document: candidate.document, score: candidate.score };
    }),
    next: best.length > query.limit && last ? { k: last.k, id: last.id } : null,
    total: hits.length,
    facets,
  };
}
