import type { CatalogRepository } from '../catalog/catalog-ports';
import { buildSearchDocument, type SearchDocument } from './search-document';
import type { SearchIndex, SearchIndexWriter, SearchSnapshotStore } from './search-ports';

/** An index the indexer can change and save (the embedded engine's, for one). */
export interface WritableSearchIndex extends SearchIndex, SearchIndexWriter {
  /**
   * Whether the index already shows this product as the search would show `document` (null or
   * undefined: no such product), by its {@link searchedForm}: a change it does not show saves nothing.
   */
  shows(id: string, document: SearchDocument | null | undefined): boolean;
  /** The index as snapshot bytes recording `version`. */
  snapshot(version: number): Promise<Buffer>;
}

/** Makes indexes: from documents (a rebuild) or from a saved snapshot. */
export interface SearchIndexEngine {
  build(documents: SearchDocument[]): WritableSearchIndex;
  /** @throws Error when the bytes are not a snapshot this engine reads (another format). */
  load(bytes: Buffer): WritableSearchIndex;
}

/** The catalog as the search needs it, read strongly consistent (the change is already written). */
export interface SearchCatalogSource {
  /** Each product's current document, or null when there is no such product. */
  documentsOf(skus: string[]): Promise<Map<string, SearchDocument | null>>;
  /** The documents of every active product, for a rebuild. */
  allDocuments(): Promise<SearchDocument[]>;
}

/** Catalog pages a rebuild reads at a time (each with one BatchGetItem of their stock). */
const REBUILD_PAGE = 100;

/** The catalog repository as the search reads it. */
export function catalogSearchSource(catalog: CatalogRepository): SearchCatalogSource {
  return {
    async documentsOf(skus) {
      const found = await catalog.getManyWithStock(skus, { consistent: true });
      const documents = new Map(found.map((entry) => [entry.product.sku, buildSearchDocument(entry)]));
      return new Map(skus.map((sku) => [sku, documents.get(sku) ?? null]));
    },

    async allDocuments() {
      const documents: SearchDocument[] = [];
      let after: Record<string, unknown> | undefined;
      do {
        const page = await catalog.listActive({ limit: REBUILD_PAGE, after });
        documents.push(...page.items.map(buildSearchDocument));
        after = page.next ?? undefined;
      } while (after);
      return documents;
    },
  };
}

export interface SearchIndexerDeps {
  store: SearchSnapshotStore;
  source: SearchCatalogSource;
  engine: SearchIndexEngine;
  /** Told when a stored snapshot could not be read and the index is rebuilt from the catalog instead. */
  onUnreadableSnapshot?: (error: unknown) => void;
  /** Saves tried before giving up (another indexer kept saving first); default 5. */
  maxAttempts?: number;
}

export interface IndexedVersion {
  /** The current version: the one saved, or the one that already showed every product as it is. */
  version: number;
  /** Whether a snapshot was saved (false: nothing the search shows had changed). */
  saved: boolean;
  /** Whether the whole catalog was read (no snapshot yet, or one this release cannot read). */
  rebuilt: boolean;
}

/**
 * What the search makes of a document: absent and inactive alike (never found), and stock only as
 * in stock or not (the `inStock` filter; the count shown is read from the table). A checkout that
 * takes one of fifty units changes nothing here, so it costs no snapshot.
 */
export function searchedForm(document: SearchDocument | null | undefined): string {
  if (!document?.active) return 'absent';
  return JSON.stringify({ ...document, available: document.available > 0 ? 1 : 0 });
}

/**
 * Keeps the search index in step with the catalog: given the skus of products whose item or stock
 * changed, it reads their current state, updates the current snapshot's index and saves it as the
 * next version. Nothing is lost when indexers race: a save that finds a newer snapshot current
 * ('stale') reloads that one and applies the same products again, which is harmless because it
 * reads their state, not the change. The index it saved last is kept for the next call, so a
 * busy indexer neither reloads nor re-reads the catalog.
 */
/** The index an indexer works on: the current snapshot's, at its version (`rebuilt`: it could not be read). */
interface Base {
  index: WritableSearchIndex;
  version: number;
  rebuilt?: boolean;
}

export function createSearchIndexer({
  store,
  source,
  engine,
  onUnreadableSnapshot = () => undefined,
  maxAttempts = 5,
}: SearchIndexerDeps) {
  let held: Base | null = null;

  /** The current snapshot's index, or null when there is none (or none this release can read). */
  async function current(): Promise<Base | null> {
    if (held && (await store.currentVersion()) === held.version) return held;
    held = null;
    const stored = await store.load();
    if (!stored) return null;
    try {
      return { index: engine.load(stored.bytes), version: stored.version };
    } catch (error) {
      onUnreadableSnapshot(error);
      // Rebuilt, and saved whatever the batch changes: the stored one is of no use to the readers.
      return { index: engine.build(await source.allDocuments()), version: stored.version, rebuilt: true };
    }
  }

  async function saveNext(
    change: (base: Base | null) => Promise<{
      index: WritableSearchIndex;
      rebuilt: boolean;
      changed: boolean;
    }>,
  ): Promise<IndexedVersion> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const base = await current();
      const { index, rebuilt, changed } = await change(base);
      if (base && !changed && !base.rebuilt) return { version: base.version, saved: false, rebuilt: false };
      const version = (base?.version ?? 0) + 1;
      if ((await store.save({ version, bytes: await index.snapshot(version) })) === 'saved') {
        held = { index, version };
        return { version, saved: true, rebuilt: rebuilt || base?.rebuilt === true };
      }
      held = null; // another indexer saved first: start again from its snapshot
    }
    throw new Error(`search index: another indexer saved first ${maxAttempts} times in a row`);
  }

  return {
    /**
     * Brings these products' documents up to date and saves the next version, unless nothing the
     * search shows of them changed (then no snapshot is written).
     */
    apply(skus: string[]): Promise<IndexedVersion> {
      const wanted = [...new Set(skus)];
      return saveNext(async (base) => {
        if (!base) return { index: engine.build(await source.allDocuments()), rebuilt: true, changed: true };
        const documents = await source.documentsOf(wanted);
        let changed = false;
        for (const sku of wanted) {
          const document = documents.get(sku);
          if (base.index.shows(sku, document)) continue;
          changed = true;
          if (document) await base.index.upsert(document);
          else await base.index.remove(sku);
        }
        return { index: base.index, rebuilt: false, changed };
      });
    },

    /** Builds the index from the whole catalog and saves it as the next version. */
    rebuild(): Promise<IndexedVersion> {
      return saveNext(async () => ({ index: engine.build(await source.allDocuments()), rebuilt: true, changed: true }));
    },
  };
}

export type SearchIndexer = ReturnType<typeof createSearchIndexer>;
