import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import type { SearchIndexer } from '../domain/search/search-indexing';
import { logger, metrics, observeInvocation } from '../observability';

const PRODUCT_PREFIX = 'PRODUCT#';

/** The sku of a product or stock item's stream record, from its keys. */
function skuOf(keys: Record<string, { S?: string }> | undefined): string | undefined {
  const pk = keys?.PK?.S;
  return pk?.startsWith(PRODUCT_PREFIX) ? pk.slice(PRODUCT_PREFIX.length) : undefined;
}

/**
 * The search index worker: a batch of the table stream's product and stock changes (its event
 * source filters on the keys) becomes one new snapshot of the index, or none when nothing the
 * search shows changed (a checkout that leaves a product in stock). The batch is handled whole:
 * if the save fails it throws and Lambda retries the batch, which is harmless (the indexer reads
 * the products' current state). `SearchIndexLagSeconds`: from the oldest change of the batch to
 * its snapshot, what the 10 s freshness target is about.
 */
export function searchIndexerHandler(indexer: () => SearchIndexer, now: () => number = Date.now) {
  return async (event: DynamoDBStreamEvent, context: Context): Promise<void> => {
    observeInvocation(context);
    try {
      const skus = [...new Set(event.Records.map((record) => skuOf(record.dynamodb?.Keys)))].filter(
        (sku): sku is string => sku !== undefined,
      );
      if (skus.length === 0) return;
      const { version, saved, rebuilt } = await indexer().apply(skus);
      if (!saved) {
        logger.debug('search index unchanged by the batch', { version, products: skus.length });
        return;
      }
      const oldest = Math.min(
        ...event.Records.map((record) => record.dynamodb?.ApproximateCreationDateTime ?? Infinity),
      );
      if (Number.isFinite(oldest)) metrics.addMetric('SearchIndexLagSeconds', 'Seconds', now() / 1000 - oldest);
      metrics.addMetric('SearchProductsIndexed', 'Count', skus.length);
      logger.info('search index saved', { version, products: skus.length, rebuilt });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
