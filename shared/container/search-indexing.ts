import { createDynamoCatalogRepository } from '../adapters/dynamo/dynamo-catalog-repository';
import { createDynamoSearchSnapshotStore } from '../adapters/dynamo/dynamo-search-snapshot-store';
import { embeddedSearchEngine } from '../adapters/search/embedded-search-index';
import { catalogSearchSource, createSearchIndexer, type SearchIndexer } from '../domain/search/search-indexing';
import { PRODUCT_SEARCH_INDEX } from '../domain/search/search-ports';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { logger, metrics } from '../observability';
import { type Table, table } from './clients';

/** The indexer of the product search index over a table (the worker's, or a test's or the seed's). */
export function buildSearchIndexer({ db, name }: Table, index = PRODUCT_SEARCH_INDEX): SearchIndexer {
  return createSearchIndexer({
    store: createDynamoSearchSnapshotStore({ db, tableName: name, index, clock: systemClock }),
    source: catalogSearchSource(createDynamoCatalogRepository(db, name)),
    engine: embeddedSearchEngine,
    onUnreadableSnapshot: (error) => {
      logger.warn('search snapshot unreadable by this release; rebuilding the index from the catalog', {
        error: error as Error,
      });
      metrics.addMetric('SearchIndexRebuilt', 'Count', 1);
    },
  });
}

export const searchIndexer = /* @__PURE__ */ once(() => buildSearchIndexer(table()));
