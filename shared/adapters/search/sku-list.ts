import { wordMatchesSku } from '../../domain/search/search-text';

/**
 * The sku terms of the indexed products, sorted, for finding a product by a sku typed whole or
 * being typed (a prefix of it): a binary search to the first term at or after the word, then the
 * terms that match it. Kept beside the search engine because a sku is a term of its own each: in
 * the engine's tree they were nearly all of its terms and most of its load time (decision 0014).
 */
export interface SkuList {
  /** The products one of whose skus the word finds (search-text.ts `wordMatchesSku`). */
  find(word: string, last: boolean): Set<string>;
  add(id: string, terms: string[]): void;
  remove(id: string): void;
  /** Every entry, sorted by term then id: what a snapshot stores, and loads without sorting again. */
  entries(): Entry[];
}

export type Entry = [term: string, id: string];

const byTerm = (a: Entry, b: Entry) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** A list of these entries; `sorted` when they already are (a snapshot's). */
export function createSkuList(initial: Entry[], { sorted: given = false } = {}): SkuList {
  let entries = initial;
  let sorted = given;
  // Changes since the list was last sorted: ids whose entries go, and the entries that come.
  const removed = new Set<string>();
  const added = new Map<string, string[]>();

  function settled(): Entry[] {
    if (removed.size > 0 || added.size > 0) {
      entries = entries.filter(([, id]) => !removed.has(id));
      for (const [id, terms] of added) for (const term of terms) entries.push([term, id]);
      removed.clear();
      added.clear();
      sorted = false;
    }
    if (!sorted) {
      entries.sort(byTerm);
      sorted = true;
    }
    return entries;
  }

  return {
    find(word, last) {
      const list = settled();
      let low = 0;
      let high = list.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((list[middle] as Entry)[0] < word) low = middle + 1;
        else high = middle;
      }
      const found = new Set<string>();
      for (let at = low; at < list.length; at++) {
        const [term, id] = list[at] as Entry;
        if (!wordMatchesSku(word, term, last)) break;
        found.add(id);
      }
      return found;
    },
    add(id, terms) {
      added.set(id, terms);
    },
    remove(id) {
      removed.add(id);
      added.delete(id);
    },
    entries: settled,
  };
}
