import type { SearchDocument } from './search-document';
import type { SearchIndex, SearchIndexWriter, SearchSnapshotStore } from './search-ports';

/** An index the indexer can change and save (the embedded engine's, for one). */
export interface WritableSearchIndex extends SearchIndex, SearchIndexWriter {
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
  version: number;
  /** Whether the whole catalog was read (no snapshot yet, or one this release cannot read). */
  rebuilt: boolean;
}

/**
 * Keeps the search index in step with the catalog: given the skus of products whose item or stock
 * changed, it reads their current state, updates the current snapshot's index and saves it as the
 * next version. Nothing is lost when indexers race: a save that finds a newer snapshot current
 * ('stale') reloads that one and applies the same products again, which is harmless because it
 * reads their state, not the change. The index it saved last is kept for the next call, so a
 * busy indexer neither reloads nor re-reads the catalog.
 */
export function createSearchIndexer({
  store,
  source,
  engine,
  onUnreadableSnapshot = () => undefined,
  maxAttempts = 5,
}: SearchIndexerDeps) {
  let held: { index: WritableSearchIndex; version: number } | null = null;

  /** The current snapshot's index, or null when there is none (or none this release can read). */
  async function current(): Promise<{ index: WritableSearchIndex; version: number } | null> {
    if (held && (await store.currentVersion()) === held.version) return held;
    held = null;
    const stored = await store.load();
    if (!stored) return null;
    try {
      return { index: engine.load(stored.bytes), version: stored.version };
    } catch (error) {
      onUnreadableSnapshot(error);
      return { index: engine.build(await source.allDocuments()), version: stored.version };
    }
  }

  async function saveNext(
    change: (base: { index: WritableSearchIndex; version: number } | null) => Promise<{
      index: WritableSearchIndex;
      rebuilt: boolean;
    }>,
  ): Promise<IndexedVersion> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const base = await current();
      const { index, rebuilt } = await change(base);
      const version = (base?.version ?? 0) + 1;
      if ((await store.save({ version, bytes: await index.snapshot(version) })) === 'saved') {
        held = { index, version };
        return { version, rebuilt };
      }
      held = null; // another indexer saved first: start again from its snapshot
    }
    throw new Error(`search index: another indexer saved first ${maxAttempts} times in a row`);
  }

  return {
    /** Brings these products' documents up to date and saves the next version. */
    apply(skus: string[]): Promise<IndexedVersion> {
      const wanted = [...new Set(skus)];
      return saveNext(async (base) => {
        if (!base) return { index: engine.build(await source.allDocuments()), rebuilt: true };
        const documents = await source.documentsOf(wanted);
        for (const sku of wanted) {
          const document = documents.get(sku);
          if (document) await base.index.upsert(document);
          else await base.index.remove(sku);
        }
        return { index: base.index, rebuilt: false };
      });
    },

    /** Builds the index from the whole catalog and saves it as the next version. */
    rebuild(): Promise<IndexedVersion> {
      return saveNext(async () => ({ index: engine.build(await source.allDocuments()), rebuilt: true }));
    },
  };
}

export type SearchIndexer = ReturnType<typeof createSearchIndexer>;
