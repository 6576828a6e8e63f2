import type { IndexPage, IndexQuery, SearchIndex, SearchSnapshotReader } from '../../domain/search/search-ports';
import type { Clock } from '../../lib/clock';

export interface SnapshotSearchIndexOptions {
  store: SearchSnapshotReader;
  /** Turns a stored snapshot's bytes into an index (`loadEmbeddedSearchIndex`). */
  load: (bytes: Buffer) => SearchIndex;
  clock: Clock;
  /** How long the held index answers before the store is asked again whether a newer one was saved. */
  checkEveryMs: number;
  /**
   * A check or reload failed while an index was held: the held one keeps answering (a little stale
   * beats a failed search) and the next check comes after `checkEveryMs` again.
   */
  onRefreshFailed?: (error: unknown) => void;
}

/** What a function answers before the index worker saved any snapshot: nothing is found yet. */
const NOTHING: IndexPage = { hits: [], next: null, total: 0, facets: { category: [] } };

interface Held {
  /** null: no snapshot was saved yet. */
  index: SearchIndex | null;
  /** The stored version of the held snapshot; null with no snapshot. */
  version: number | null;
}

/**
 * The search index of a function instance: the store's current snapshot, loaded on first use and
 * kept. Before a search, once `checkEveryMs` passed since the last check, one small read asks the
 * store for its current version, and a newer snapshot is loaded in its place; so a change reaches
 * the search within the index worker's delay plus `checkEveryMs`, and a warm search costs no read
 * at all in between. Concurrent searches share one check and one load.
 */
export function createSnapshotSearchIndex({
  store,
  load,
  clock,
  checkEveryMs,
  onRefreshFailed,
}: SnapshotSearchIndexOptions): SearchIndex & { prepare(): Promise<void> } {
  let held: Held | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;

  const isNewer = (version: number, than: Held | undefined) =>
    than === undefined || than.version === null || version > than.version;

  async function check(now: number): Promise<void> {
    if (held !== undefined) {
      const latest = await store.currentVersion();
      if (latest === null || !isNewer(latest, held)) {
        checkedAt = now;
        return;
      }
    }
    const stored = await store.load();
    if (stored === null) held ??= { index: null, version: null };
    else if (isNewer(stored.version, held)) held = { index: load(stored.bytes), version: stored.version };
    checkedAt = now;
  }

  async function current(): Promise<Held> {
    const now = clock.now().getTime();
    if (held === undefined || now - checkedAt > checkEveryMs) {
      pending ??= check(now).finally(() => {
        pending = undefined;
      });
      try {
        await pending;
      } catch (error) {
        if (held === undefined) throw error;
        checkedAt = now;
        onRefreshFailed?.(error);
      }
    }
    return held as Held;
  }

  return {
    get version() {
      return held?.version ?? 0;
    },
    async search(query: IndexQuery): Promise<IndexPage> {
      const { index } = await current();
      return index ? index.search(query) : NOTHING;
    },
    /**
     * Loads the current snapshot ahead of the first search (the function's init phase), which then
     * waits for this load instead of starting its own. Never rejects: a failed load is the first
     * search's to try again.
     */
    async prepare(): Promise<void> {
      await current().catch(() => undefined);
    },
  };
}
