import { searchIndexer } from '../../shared/container/search-indexing';
import { searchIndexerHandler } from '../../shared/workers/search-indexer';

/** The table's stream of product and stock changes → the next snapshot of the search index (decision 0014). */
export const handler = searchIndexerHandler(searchIndexer);
