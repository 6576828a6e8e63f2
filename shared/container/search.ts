import { createDynamoSearchSnapshotReader } from '../adapters/dynamo/dynamo-search-snapshot-store';
import { loadEmbeddedSearchIndex } from '../adapters/search/embedded-search-index';
import { createSnapshotSearchIndex } from '../adapters/search/snapshot-search-index';
import { config } from '../config';
import { createProductSearch } from '../domain/search/product-search';
import { PRODUCT_SEARCH_INDEX } from '../domain/search/search-ports';
import { createSearchService } from '../domain/search/search-service';
import { type Clock, systemClock } from '../lib/clock';
import type { CursorCodec } from '../lib/cursor-codec';
import { once } from '../lib/once';
import { buildCatalogService } from './catalog';
import { cursorCodec, type Table, table } from './clients';
import { searchSnapshotRefreshFailed } from './telemetry';

/**
 * How often a warm function asks whether a newer snapshot was saved: one GetItem of a few bytes per
 * 2 s at most, leaving the rest of the contract's 10 s (a change visible in search) to the index worker.
 */
export const SNAPSHOT_CHECK_INTERVAL_MS = 2000;

export interface ProductSearchOptions {
  cursors: CursorCodec;
  currency: string;
  /** Default `products`; the tests use indexes of their own. */
  index?: string;
  clock?: Clock;
  checkEveryMs?: number;
}

/**
 * `GET /v1/search`: the index of the current snapshot, kept per instance and refreshed when a newer
 * one is saved, and the page's products read from the catalog.
 */
export function buildProductSearch(
  { db, name }: Table,
  {
    cursors,
    currency,
    index = PRODUCT_SEARCH_INDEX,
    clock = systemClock,
    checkEveryMs = SNAPSHOT_CHECK_INTERVAL_MS,
  }: ProductSearchOptions,
) {
  const snapshots = createDynamoSearchSnapshotReader({ db, tableName: name, index });
  const searchIndex = createSnapshotSearchIndex({
    store: snapshots,
    load: loadEmbeddedSearchIndex,
    clock,
    checkEveryMs,
    onRefreshFailed: searchSnapshotRefreshFailed,
  });
  return {
    ...createProductSearch({
      search: createSearchService({ index: searchIndex, cursors }),
      products: buildCatalogService({ db, name }, { cursors, currency }),
    }),
    /** Starts loading the current snapshot (in the init phase), so the first search does not wait for all of it. */
    prepare: () => searchIndex.prepare(),
  };
}

export const productSearch = /* @__PURE__ */ once(() =>
  buildProductSearch(table(), { cursors: cursorCodec(), currency: config().currency }),
);
