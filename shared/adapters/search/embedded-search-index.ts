import MiniSearch, { type Options, type Query, type SearchResult } from 'minisearch';
import type { SearchDocument } from '../../domain/search/search-document';
import { type SearchIndexEngine, searchedForm } from '../../domain/search/search-indexing';
import type { IndexPage, IndexQuery, SearchIndex, SearchIndexWriter } from '../../domain/search/search-ports';
import {
  allowsTypo,
  indexTerms,
  queryWords,
  skuTerm,
  transpositions,
  wordMatchesTerm,
} from '../../domain/search/search-text';
import { compactIndex, loadCompactIndex } from './minisearch-snapshot';
import { type Candidate, pageOf } from './search-paging';
import { decodeSnapshot, encodeSnapshot, type HeldDocument } from './search-snapshot';
import { createSkuList, type Entry, type SkuList } from './sku-list';

/**
 * The fields the engine searches and their weight: a name match counts most (and relevance ranks
 * by it first). Skus are matched beside the engine (sku-list.ts), with the weight of one field.
 */
const BOOST = { name: 4, optionValues: 2, category: 1.5, description: 1 } as const;
const SKU_SCORE = 1;
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
  /** What the index holds of a product, or undefined (no such product, or inactive). */
  get(id: string): HeldDocument | undefined;
  /** Whether the index shows the product as the search would show `document` (null: none). */
  shows(id: string, document: SearchDocument | null | undefined): boolean;
  /** The index as a snapshot (JSON, UTF-8) recording `version` (default: the index's own). */
  snapshot(version?: number): Promise<Buffer>;
}

/**
 * Every word must match (AND); each word matches exactly, the last one also as a prefix, and a
 * word of five letters or more also with one edit (MiniSearch's fuzzy search) or one swap of
 * neighbouring letters (looked up as exact alternatives).
 */
function wordQuery(word: string, last: boolean): Query {
  const typo = allowsTypo(word);
  const own: Query = { queries: [word], prefix: last, fuzzy: typo ? 1 : false };
  if (!typo) return own;
  const swapped = transpositions(word).map(
    (variant): Query => ({ queries: [variant], prefix: false, fuzzy: false, boostTerm: () => TYPO_WEIGHT }),
  );
  return { combineWith: 'OR', queries: [own, ...swapped] };
}

const engineQuery = (words: string[]): Query => ({
  combineWith: 'AND',
  queries: words.map((word, i) => wordQuery(word, i === words.length - 1)),
});

/** The terms of a result that matched in the name. */
const nameTermsOf = (result: SearchResult) =>
  Object.entries(result.match)
    .filter(([, fields]) => fields.includes('name'))
    .map(([term]) => term);

/** How many of the words matched one of these terms of the name. */
function nameWords(words: string[], nameTerms: string[]): number {
  const last = words.length - 1;
  return words.filter((word, i) => nameTerms.some((term) => wordMatchesTerm(word, term, i === last))).length;
}

/** A match of the words: its product, score and how many words matched its name. */
type Match = { id: string; score: number; nameWords: number };

/**
 * The products every word finds in their text or their skus. When no word finds a sku (nearly every
 * query) that is one engine query; otherwise each word is asked on its own and the answers are
 * intersected, a word that finds a product's sku counting as matched for it.
 */
function matches(engine: MiniSearch<SearchDocument>, skus: SkuList, words: string[]): Match[] {
  const last = words.length - 1;
  const bySku = words.map((word, i) => skus.find(word, i === last));
  if (bySku.every((found) => found.size === 0)) {
    return engine.search(engineQuery(words)).map((result) => ({
      id: result.id as string,
      score: result.score,
      nameWords: nameWords(words, nameTermsOf(result)),
    }));
  }
  let found: Map<string, { score: number; nameTerms: string[] }> | null = null;
  for (const [i, word] of words.entries()) {
    const text = new Map(engine.search(wordQuery(word, i === last)).map((result) => [result.id as string, result]));
    const next = new Map<string, { score: number; nameTerms: string[] }>();
    const candidates = found ? found.keys() : new Set([...text.keys(), ...(bySku[i] as Set<string>)]);
    for (const id of candidates) {
      const result = text.get(id);
      if (!result && !bySku[i]?.has(id)) continue;
      const before = found?.get(id) ?? { score: 0, nameTerms: [] };
      next.set(id, {
        score: before.score + (result ? result.score : SKU_SCORE),
        nameTerms: result ? [...before.nameTerms, ...nameTermsOf(result)] : before.nameTerms,
      });
    }
    found = next;
  }
  return [...(found ?? new Map())].map(([id, { score, nameTerms }]) => ({
    id,
    score,
    nameWords: nameWords(words, nameTerms),
  }));
}

/**
 * A digest of a searched form. node:crypto is taken only when the index worker first needs it:
 * loading it costs a search function's cold start several milliseconds, and a search never does.
 */
const digest = (form: string) =>
  process.getBuiltinModule('node:crypto').createHash('sha256').update(form).digest('base64url').slice(0, 22);

/** What the index holds of an active document. */
function heldOf(document: SearchDocument): HeldDocument {
  const { id, category, price, prices, available, active, createdAt } = document;
  return { id, category, price, prices, available, active, createdAt, form: digest(searchedForm(document)) };
}

/** The sku terms a document is found by. */
const skuTermsOf = (document: SearchDocument) => [...new Set(document.skus.map(skuTerm))];

/** The digest of a product the index does not hold (computed on first use, like every digest). */
let absent: string | undefined;
const absentForm = () => {
  absent ??= digest(searchedForm(null));
  return absent;
};

function createIndex(
  engine: MiniSearch<SearchDocument>,
  documents: Map<string, Candidate & { document: HeldDocument }>,
  skus: SkuList,
  version: number,
) {
  const index: EmbeddedSearchIndex = {
    version,
    get size() {
      return documents.size;
    },

    get: (id) => documents.get(id)?.document,

    shows: (id, document) => (documents.get(id)?.document.form ?? absentForm()) === digest(searchedForm(document)),

    async search(query: IndexQuery): Promise<IndexPage> {
      const words = queryWords(query.q ?? '');
      if (words.length === 0) return pageOf(documents.values(), query);
      const matched: Candidate[] = [];
      for (const match of matches(engine, skus, words)) {
        const held = documents.get(match.id);
        if (held) matched.push({ ...held, score: match.score, nameWords: match.nameWords });
      }
      return pageOf(matched, query);
    },

    async upsert(document) {
      if (engine.has(document.id)) engine.discard(document.id);
      documents.delete(document.id);
      skus.remove(document.id);
      if (!document.active) return;
      engine.add(document);
      documents.set(document.id, candidateOf(heldOf(document)));
      skus.add(document.id, skuTermsOf(document));
    },

    async remove(id) {
      if (engine.has(id)) engine.discard(id);
      documents.delete(id);
      skus.remove(id);
    },

    async snapshot(snapshotVersion = version) {
      if (engine.dirtCount > 0) await engine.vacuum();
      return encodeSnapshot({
        version: snapshotVersion,
        documents: [...documents.values()].map((held) => held.document),
        skus: skus.entries(),
        index: compactIndex(engine),
      });
    },
  };
  return index;
}

const candidateOf = (document: HeldDocument): Candidate & { document: HeldDocument } => ({
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
  return createIndex(
    engine,
    new Map(active.map((document) => [document.id, candidateOf(heldOf(document))])),
    createSkuList(active.flatMap((document) => skuTermsOf(document).map((term): Entry => [term, document.id]))),
    version,
  );
}

/**
 * The index a snapshot holds, at the snapshot's version: what a search function does at cold
 * start, and again when it learns of a newer version. @throws Error when it is not such a snapshot.
 */
export function loadEmbeddedSearchIndex(bytes: Uint8Array | string): EmbeddedSearchIndex {
  const snapshot = decodeSnapshot(bytes);
  const engine = loadCompactIndex<SearchDocument>(snapshot.index, ENGINE_OPTIONS);
  const documents = new Map(snapshot.documents.map((document) => [document.id, candidateOf(document)]));
  if (engine.documentCount !== documents.size) {
    throw new Error(
      `search snapshot ${snapshot.version}: ${engine.documentCount} indexed, ${documents.size} documents`,
    );
  }
  return createIndex(engine, documents, createSkuList(snapshot.skus, { sorted: true }), snapshot.version);
}

/** The embedded engine as the indexer uses it: rebuilds from documents, loads snapshots. */
export const embeddedSearchEngine: SearchIndexEngine = {
  build: (documents) => buildEmbeddedSearchIndex(documents, { version: 0 }),
  load: (bytes) => loadEmbeddedSearchIndex(bytes),
};
