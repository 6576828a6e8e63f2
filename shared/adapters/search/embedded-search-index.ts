import MiniSearch, { type Options, type Query, type SearchResult } from 'minisearch';
import type { SearchDocument } from '../../domain/search/search-document';
import type { SearchIndexEngine } from '../../domain/search/search-indexing';
import type { IndexPage, IndexQuery, SearchIndex, SearchIndexWriter } from '../../domain/search/search-ports';
import { allowsTypo, indexTerms, queryWords, transpositions, wordMatchesTerm } from '../../domain/search/search-text';
import { type Candidate, pageOf } from './search-paging';
import { decodeSnapshot, encodeSnapshot } from './search-snapshot';

/** The searched fields and their weight: a name match counts most (and relevance ranks by it first). */
const BOOST = { name: 4, optionValues: 2, category: 1.5, skus: 1, description: 1 } as const;
type Field = keyof typeof BOOST;
const FIELDS = Object.keys(BOOST) as Field[];
/** The weight of a match with one letter swapped, as MiniSearch weighs its own one-edit matches. */
const TYPO_WEIGHT = 0.45;

/**
 * The engine's configuration. Text is folded and split by the domain's rules (search-text.ts); a
 * query arrives as words already folded, so the search side splits and changes nothing.
 */
const ENGINE_OPTIONS: Options<SearchDocument> = {
  idField: 'id',
  fields: FIELDS,
  extractField: (document, field) => {
    const value = document[field as keyof SearchDocument];
    return Array.isArray(value) ? value.join(' ') : value;
  },
  tokenize: indexTerms,
  processTerm: (term) => term,
  searchOptions: { tokenize: (word) => [word], processTerm: (word) => word, boost: BOOST },
  // Removals are vacuumed before a snapshot is taken, never on a timer inside a function.
  autoVacuum: false,
};

/** A search index inside the function, over MiniSearch, saved and loaded as a versioned snapshot. */
export interface EmbeddedSearchIndex extends SearchIndex, SearchIndexWriter {
  /** Documents held (active products). */
  readonly size: number;
  /** The document held for a product, or undefined (no such product, or inactive). */
  get(id: string): SearchDocument | undefined;
  /** The index as a snapshot (JSON, UTF-8) recording `version` (default: the index's own). */
  snapshot(version?: number): Promise<Buffer>;
}

/**
 * Every word must match (AND); each word matches exactly, the last one also as a prefix, and a
 * word of five letters or more also with one edit (MiniSearch's fuzzy search) or one swap of
 * neighbouring letters (looked up as exact alternatives).
 */
function engineQuery(words: string[]): Query {
  const last = words.length - 1;
  return {
    combineWith: 'AND',
    queries: words.map((word, i) => {
      const typo = allowsTypo(word);
      const own: Query = { queries: [word], prefix: i === last, fuzzy: typo ? 1 : false };
      if (!typo) return own;
      const swapped = transpositions(word).map(
        (variant): Query => ({ queries: [variant], prefix: false, fuzzy: false, boostTerm: () => TYPO_WEIGHT }),
      );
      return { combineWith: 'OR', queries: [own, ...swapped] };
    }),
  };
}

/** How many of the words matched a term of the name. */
function nameWords(words: string[], result: SearchResult): number {
  const nameTerms = Object.entries(result.match)
    .filter(([, fields]) => fields.includes('name'))
    .map(([term]) => term);
  const last = words.length - 1;
  return words.filter((word, i) => nameTerms.some((term) => wordMatchesTerm(word, term, i === last))).length;
}

function createIndex(engine: MiniSearch<SearchDocument>, documents: Map<string, Candidate>, version: number) {
  const index: EmbeddedSearchIndex = {
    version,
    get size() {
      return documents.size;
    },

    get: (id) => documents.get(id)?.document,

    async search(query: IndexQuery): Promise<IndexPage> {
      const words = queryWords(query.q ?? '');
      if (words.length === 0) return pageOf(documents.values(), query);
      const matched: Candidate[] = [];
      for (const result of engine.search(engineQuery(words))) {
        const held = documents.get(result.id as string);
        if (held) matched.push({ ...held, score: result.score, nameWords: nameWords(words, result) });
      }
      return pageOf(matched, query);
    },

    async upsert(document) {
      if (engine.has(document.id)) engine.discard(document.id);
      documents.delete(document.id);
      if (!document.active) return;
      engine.add(document);
      documents.set(document.id, candidateOf(document));
    },

    async remove(id) {
      if (engine.has(id)) engine.discard(id);
      documents.delete(id);
    },

    async snapshot(snapshotVersion = version) {
      if (engine.dirtCount > 0) await engine.vacuum();
      return encodeSnapshot({
        version: snapshotVersion,
        documents: [...documents.values()].map((held) => held.document),
        index: engine.toJSON(),
      });
    },
  };
  return index;
}

const candidateOf = (document: SearchDocument): Candidate => ({
  document,
  score: 0,
  nameWords: 0,
  createdMs: Date.parse(document.createdAt),
});

/** An index of these documents (inactive ones are left out), at `version`. */
export function buildEmbeddedSearchIndex(documents: SearchDocument[], { version }: { version: number }) {
  const active = documents.filter((document) => document.active);
  const engine = new MiniSearch<SearchDocument>(ENGINE_OPTIONS);
  engine.addAll(active);
  return createIndex(engine, new Map(active.map((document) => [document.id, candidateOf(document)])), version);
}

/**
 * The index a snapshot holds, at the snapshot's version: what a search function does at cold
 * start, and again when it learns of a newer version. @throws Error when it is not such a snapshot.
 */
export function loadEmbeddedSearchIndex(bytes: Uint8Array | string): EmbeddedSearchIndex {
  const snapshot = decodeSnapshot(bytes);
  const engine = MiniSearch.loadJS<SearchDocument>(snapshot.index as never, ENGINE_OPTIONS);
  const documents = new Map(snapshot.documents.map((document) => [document.id, candidateOf(document)]));
  if (engine.documentCount !== documents.size) {
    throw new Error(
      `search snapshot ${snapshot.version}: ${engine.documentCount} indexed, ${documents.size} documents`,
    );
  }
  return createIndex(engine, documents, snapshot.version);
}

/** The embedded engine as the indexer uses it: rebuilds from documents, loads snapshots. */
export const embeddedSearchEngine: SearchIndexEngine = {
  build: (documents) => buildEmbeddedSearchIndex(documents, { version: 0 }),
  load: (bytes) => loadEmbeddedSearchIndex(bytes),
};
