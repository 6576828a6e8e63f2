import MiniSearch, { type Options } from 'minisearch';

/**
 * MiniSearch's index in a snapshot, in a form that loads fast (decision 0014). `toJSON` keeps each
 * term's postings as objects keyed by document (`{ "17": 2 }`), which `loadJS` turns into maps one
 * key at a time: with 10,000 products that was half of a search function's cold start. Here each
 * term keeps, per field, one flat array of document short ids and term frequencies, and a loaded
 * index decodes a term's postings only when a query (or the index worker) first asks for them, so
 * a cold start builds the term tree and nothing more.
 *
 * It reaches one private member of MiniSearch (`_index`, its term tree): the engine offers no way
 * to load terms but `loadJS`. MiniSearch is pinned (package.json) and the snapshot format names
 * its version; the search tests load every snapshot they take and compare its answers with the
 * built index's.
 */
export interface CompactIndex {
  /** `toJSON()` without its `index`. */
  engine: Record<string, unknown>;
  /** Per term: `[term, fieldId, [doc, tf, doc, tf, …], fieldId, […], …]`. */
  terms: Array<Array<string | number | number[]>>;
}

type FieldPostings = Map<number, number>;
type TermTree = { set(term: string, fields: Map<number, FieldPostings>): unknown };

export function compactIndex<T>(engine: MiniSearch<T>): CompactIndex {
  const { index, ...rest } = engine.toJSON() as unknown as {
    index: Array<[string, Record<string, Record<string, number>>]>;
  } & Record<string, unknown>;
  const terms = index.map(([term, fields]) => {
    const entry: Array<string | number | number[]> = [term];
    for (const [fieldId, postings] of Object.entries(fields)) {
      const flat: number[] = [];
      for (const [document, frequency] of Object.entries(postings)) flat.push(Number(document), frequency);
      entry.push(Number(fieldId), flat);
    }
    return entry;
  });
  return { engine: rest, terms };
}

export function loadCompactIndex<T>(compact: CompactIndex, options: Options<T>): MiniSearch<T> {
  const engine = MiniSearch.loadJS<T>({ ...compact.engine, index: [] } as never, options);
  const tree = (engine as unknown as { _index: TermTree })._index;
  for (const entry of compact.terms) {
    const fields = new Map<number, FieldPostings>();
    for (let at = 1; at < entry.length; at += 2)
      fields.set(entry[at] as number, new LazyPostings(entry[at + 1] as number[]));
    tree.set(entry[0] as string, fields);
  }
  return engine;
}

/** A term's postings in one field, decoded from their flat array on first use. */
class LazyPostings implements Map<number, number> {
  #flat: number[] | null;
  readonly #map = new Map<number, number>();

  constructor(flat: number[]) {
    this.#flat = flat;
  }

  get #postings(): Map<number, number> {
    const flat = this.#flat;
    if (flat) {
      this.#flat = null;
      for (let at = 0; at < flat.length; at += 2) this.#map.set(flat[at] as number, flat[at + 1] as number);
    }
    return this.#map;
  }

  get size() {
    return this.#postings.size;
  }
  get [Symbol.toStringTag]() {
    return 'Map';
  }
  get(key: number) {
    return this.#postings.get(key);
  }
  has(key: number) {
    return this.#postings.has(key);
  }
  set(key: number, value: number) {
    this.#postings.set(key, value);
    return this;
  }
  delete(key: number) {
    return this.#postings.delete(key);
  }
  clear() {
    this.#flat = null;
    this.#map.clear();
  }
  forEach(callback: (value: number, key: number, map: Map<number, number>) => void, thisArg?: unknown) {
    for (const [key, value] of this.#postings) callback.call(thisArg, value, key, this);
  }
  keys() {
    return this.#postings.keys();
  }
  values() {
    return this.#postings.values();
  }
  entries() {
    return this.#postings.entries();
  }
  [Symbol.iterator]() {
    return this.#postings[Symbol.iterator]();
  }
}
