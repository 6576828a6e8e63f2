import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamo/dynamo-client';
import { createDynamoSearchSnapshotReader } from '../../shared/adapters/dynamo/dynamo-search-snapshot-store';
import { createDynamoShippingMethodRepository } from '../../shared/adapters/dynamo/dynamo-shipping-method-repository';
import { createDynamoTaxRateRepository } from '../../shared/adapters/dynamo/dynamo-tax-rate-repository';
import { buildCatalogService, buildInventoryService } from '../../shared/container/catalog';
import { buildSearchIndexer } from '../../shared/container/search-indexing';
import { ProductExistsError } from '../../shared/domain/catalog/catalog-errors';
import type { NewProduct } from '../../shared/domain/catalog/product';
import { PRODUCT_SEARCH_INDEX } from '../../shared/domain/search/search-ports';
import { ShippingMethodExistsError } from '../../shared/domain/shipping/shipping-errors';
import { createShippingMethodService } from '../../shared/domain/shipping/shipping-method-service';
import { createTaxRateService } from '../../shared/domain/tax/tax-rate-service';
import { systemClock } from '../../shared/lib/clock';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { demoCatalog, demoShippingMethods, demoTaxRates } from './demo-catalog';
import { LOCAL_CREDENTIALS } from './local-aws';

/** Written last: the demo catalog of this data directory is complete. */
const SEED_MARKER = { PK: 'META', SK: 'SEED#demo-catalog' };

interface LocalTable {
  tableName: string;
  endpoint: string;
}

/** Runs `work` with a document client of the local table, destroyed afterwards. */
async function withLocalTable<T>(options: LocalTable, work: (db: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: process.env.AWS_REGION ?? 'eu-west-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await work(createDocumentClient(client));
  } finally {
    client.destroy();
  }
}

/**
 * Seeds the demo catalog once per data directory, through the same services the API uses.
 * A run that crashed half-way is completed by the next start (existing products are kept, stock
 * is set where it is still zero); after that, a developer's changes are never overwritten.
 * @returns how many products were created (0 when the catalog was seeded before).
 */
export function seedDemoCatalog(options: LocalTable): Promise<number> {
  return withLocalTable(options, async (db) => {
    const marker = await db.send(
      new GetCommand({ TableName: options.tableName, Key: SEED_MARKER, ConsistentRead: true }),
    );
    if (marker.Item) return 0;
    // The seed never paginates; the codec is only a required dependency.
    const cursors = createCursorCodec('seed-does-not-paginate');
    const table = { db, name: options.tableName };
    const catalog = buildCatalogService(table, { cursors, currency: process.env.STORE_CURRENCY || 'EUR' });
    const inventory = buildInventoryService(table, { cursors });
    let created = 0;
    for (const entry of demoCatalog) {
      const { stock, variantStock, ...product } = entry as NewProduct & {
        stock?: number;
        variantStock?: Record<string, number>;
      };
      try {
        await catalog.create(product);
        created++;
      } catch (error) {
        if (!(error instanceof ProductExistsError)) throw error;
      }
      const wanted = variantStock ?? { [product.sku]: stock ?? 0 };
      for (const [sku, units] of Object.entries(wanted)) {
        if (units > 0 && (await inventory.get(sku)).onHand === 0) await inventory.setOnHand(sku, units, 'seed');
      }
    }
    const taxRates = createTaxRateService({
      rates: createDynamoTaxRateRepository(db, options.tableName),
      clock: systemClock,
    });
    for (const { country, ...rates } of demoTaxRates) await taxRates.set(country, rates);
    const shipping = createShippingMethodService({
      methods: createDynamoShippingMethodRepository(db, options.tableName),
      clock: systemClock,
    });
    for (const method of demoShippingMethods) {
      try {
        await shipping.create(method);
      } catch (error) {
        if (!(error instanceof ShippingMethodExistsError)) throw error;
      }
    }
    await db.send(
      new PutCommand({ TableName: options.tableName, Item: { ...SEED_MARKER, seededAt: new Date().toISOString() } }),
    );
    return created;
  });
}

/**
 * Builds the product search index once per data directory, when it has none yet (a fresh seed, or
 * a data directory from before search): from then on the search-indexer function keeps it in step
 * through the table's stream, which only tells of changes made while `npm start` runs.
 * @returns the version saved, or null when there was an index already.
 */
export function ensureSearchIndex(options: LocalTable): Promise<number | null> {
  return withLocalTable(options, async (db) => {
    const reader = createDynamoSearchSnapshotReader({ db, tableName: options.tableName, index: PRODUCT_SEARCH_INDEX });
    if ((await reader.currentVersion()) !== null) return null;
    return (await buildSearchIndexer({ db, name: options.tableName }).rebuild()).version;
  });
}
